// One incubatee's page (incubation/incubatee.html): every form[data-url] posts its fields as JSON;
// the eligibility check lists the API's answer.
(() => {
  const page = sanshe.data();
  const headers = {"Content-Type": "application/json", ...page.headers};
  const box = (form) => (form && form.querySelector(".error")) || document.getElementById("errors");
  const problem = async (r) => r.json().catch(() => ({detail: `${r.status} ${r.statusText}`}));
  const body = (form) => {
    const out = {};
    for (const el of form.elements) {
      if (!el.name) continue;
      if (el.dataset.type === "bool") out[el.name] = el.value === "true";
      else if (el.type === "number") { if (el.value !== "") out[el.name] = Number(el.value); }
      else if (el.type === "date") { if (el.value) out[el.name] = el.value; }
      else out[el.name] = el.value;
    }
    return out;
  };
  document.querySelectorAll("form[data-url]").forEach((form) => form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (form.dataset.confirm && !(await sanshe.ask({message: form.dataset.confirm, danger: true}))) return;
    const r = await fetch(form.dataset.url, {method: "POST", headers, body: JSON.stringify(body(form))});
    if (r.ok) location.reload(); else sanshe.show(box(form), await problem(r));
  }));
  const check = document.getElementById("eligibility");
  if (check) check.addEventListener("click", async () => {
    const r = await fetch(`${page.incubatee}/eligibility`);
    const out = await problem(r);
    if (!r.ok) { sanshe.show(box(null), out); return; }
    const list = document.getElementById("eligibility-result");
    const text = (x) => typeof x === "string" ? x
      : `${"ok" in x ? (x.ok ? "✓ " : "✗ ") : ""}${x.reason || x.message || x.label || JSON.stringify(x)}`;
    const items = Array.isArray(out) ? out : (out.checks || out.reasons || out.items
      || Object.entries(out).map(([k, v]) => `${k}：${typeof v === "string" ? v : JSON.stringify(v)}`));
    list.replaceChildren(...items.map((x) => Object.assign(document.createElement("li"), {textContent: text(x)})));
  });
})();
