// A person's findings (supervision/findings.html): answer a finding, upload evidence.
(() => {
  const page = sanshe.data();
  const api = page.api;
  const fail = async (r) => sanshe.show(document.getElementById("errors"), await r.json());
  document.querySelectorAll("form.answer").forEach((f) => f.addEventListener("submit", async (e) => {
    e.preventDefault();
    const r = await fetch(`${api}/items/${f.dataset.id}/answer`, {method: "POST",
      headers: {"Content-Type": "application/json", ...page.headers}, body: JSON.stringify({response: f.response.value})});
    if (r.ok) location.reload(); else await fail(r);
  }));
  document.querySelectorAll("form.evidence").forEach((f) => f.addEventListener("submit", async (e) => {
    e.preventDefault();
    const r = await fetch(`${api}/items/${f.dataset.id}/evidence`, {method: "POST", headers: page.headers, body: new FormData(f)});
    if (r.ok) location.reload(); else await fail(r);
  }));
})();
