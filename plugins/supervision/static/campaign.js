// One audit campaign (supervision/campaign.html): draw the sample, give verdicts, close items and the
// campaign, upload evidence, check the draw with the same seed.
(() => {
  const page = sanshe.data();
  const api = page.api;
  const json = {"Content-Type": "application/json", ...page.headers};
  const fail = async (r) => sanshe.show(document.getElementById("errors"), await r.json());
  const post = async (url, body) => {
    const r = await fetch(url, {method: "POST", headers: json, body: JSON.stringify(body)});
    if (r.ok) location.reload(); else await fail(r);
  };
  const sample = document.getElementById("sample");
  if (sample) sample.addEventListener("click", () => post(`${api}/campaigns/${page.campaign}/sample`, {}));
  document.querySelectorAll("form.verdict").forEach((f) => f.addEventListener("submit", (e) => {
    e.preventDefault();
    post(`${api}/items/${f.dataset.id}/verdict`, {verdict: f.verdict.value, finding: f.finding.value});
  }));
  document.querySelectorAll("form.close-item").forEach((f) => f.addEventListener("submit", (e) => {
    e.preventDefault();
    post(`${api}/items/${f.dataset.id}/close`, {note: f.note.value});
  }));
  document.querySelectorAll("form.evidence").forEach((f) => f.addEventListener("submit", async (e) => {
    e.preventDefault();
    const r = await fetch(`${api}/items/${f.dataset.id}/evidence`, {method: "POST", headers: page.headers, body: new FormData(f)});
    if (r.ok) location.reload(); else await fail(r);
  }));
  const close = document.getElementById("close-campaign");
  if (close) close.addEventListener("submit", (e) => {
    e.preventDefault();
    post(`${api}/campaigns/${page.campaign}/close`, {summary: close.summary.value});
  });
  const redraw = document.getElementById("redraw");
  if (redraw) redraw.addEventListener("click", async () => {
    const out = await (await fetch(`${api}/campaigns/${page.campaign}/redraw`)).json();
    document.getElementById("redraw-result").textContent = out.same ? page.same : page.different;
  });
})();
