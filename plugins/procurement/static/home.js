// The procurement home page (procurement/home.html): the 新建项目 form. The budget is typed in
// yuan and sent in fen by string arithmetic (never through a float).
(() => {
  const form = document.getElementById("new-project");
  if (!form) return;
  const page = sanshe.data();
  const box = document.getElementById("form-errors");
  const fen = window.procurementFen;  // static/money.js
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const d = new FormData(form);
    const budget = fen(d.get("budget_fen"));
    if (budget === null) {
      sanshe.show(box, {detail: "", errors: [{field: "budget_fen", message: page.bad_money}]}, form);
      return;
    }
    const names = d.getAll("indicator_name"), targets = d.getAll("indicator_target");
    const units = d.getAll("indicator_unit"), kinds = d.getAll("indicator_kind");
    const indicators = [];
    names.forEach((name, i) => {
      if (!name.trim() && !targets[i].trim()) return;
      const target = targets[i].trim() === "" ? null : Number(targets[i]);
      indicators.push({name, unit: units[i], kind: kinds[i], target: Number.isFinite(target) ? target : null});
    });
    const body = {title: d.get("title"), buyer: d.get("buyer"), buyer_community_code: d.get("buyer_community_code") || null,
      field: d.get("field"), subject_kind: d.get("subject_kind"), target_group: d.get("target_group"),
      communities: d.getAll("community"), budget_fen: budget, period_start: d.get("period_start") || null,
      period_end: d.get("period_end") || null, term_reason: d.get("term_reason"), method: d.get("method"),
      method_reason: d.get("method_reason"), indicators, needs: d.getAll("need")};
    const r = await fetch(`${page.api}/projects`, {method: "POST",
      headers: {"Content-Type": "application/json", ...page.headers}, body: JSON.stringify(body)});
    const out = await r.json();
    if (r.ok) { location.href = `${page.page}/projects/${out.id}`; return; }
    sanshe.show(box, out, form);
  });
})();
