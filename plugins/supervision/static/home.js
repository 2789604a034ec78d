// The supervision home (supervision/home.html): create an audit campaign, then open it.
(() => {
  const form = document.getElementById("new-campaign");
  if (!form) return;
  const page = sanshe.data();
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const d = new FormData(form);
    const num = (k) => d.get(k) === "" ? null : Number(d.get(k));
    const body = {title: d.get("title"), source: d.get("source"), period_start: d.get("period_start"),
      period_end: d.get("period_end"), scope: d.get("scope"), scope_id: num("scope_id"), sampling: d.get("sampling"),
      sample_size: num("sample_size") ?? 0, seed: num("seed")};
    const r = await fetch(`${page.api}/campaigns`, {method: "POST",
      headers: {"Content-Type": "application/json", ...page.headers}, body: JSON.stringify(body)});
    const out = await r.json();
    if (r.ok) { location.href = `${page.page}/campaigns/${out.id}`; return; }
    sanshe.show(document.getElementById("form-errors"), out, form);
  });
})();
