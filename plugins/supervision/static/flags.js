// Automatic flags (supervision/flags.html): resolve or dismiss a flag with a note, scan now.
(() => {
  const page = sanshe.data();
  const api = page.api;
  const headers = {"Content-Type": "application/json", ...page.headers};
  const ask = page.ask;
  const failed = async (r) => sanshe.problem(await r.json());
  document.querySelectorAll("button[data-action]").forEach((b) => b.addEventListener("click", async () => {
    const note = await sanshe.ask({message: ask[b.dataset.action], input: true});
    if (note === null) return;
    const r = await fetch(`${api}/flags/${b.dataset.id}/${b.dataset.action}`,
                          {method: "POST", headers, body: JSON.stringify({note})});
    if (r.ok) location.reload(); else sanshe.notice(await failed(r));
  }));
  const scan = document.getElementById("scan-now");
  if (scan) scan.addEventListener("click", async () => {
    scan.disabled = true;
    document.getElementById("scan-result").textContent = page.scanning;
    const r = await fetch(`${api}/scan`, {method: "POST", headers, body: "{}"});
    if (!r.ok) { scan.disabled = false; sanshe.notice(await failed(r)); return; }
    const body = await r.json();
    document.getElementById("scan-result").textContent = page.scanned
      .replace("%s", body.raised).replace("%s", body.seen);
    setTimeout(() => location.reload(), 1500);
  });
})();
