// The supervision home (supervision/home.html): create an audit campaign, then open it. The scope
// (one organisation or one worker) is picked by name from suggestions, never typed as an id.
(() => {
  const form = document.getElementById("new-campaign");
  if (!form) return;
  const page = sanshe.data();
  const picker = document.getElementById("scope-picker");
  const query = document.getElementById("scope-q");
  const list = document.getElementById("scope-suggestions");
  const chosen = document.getElementById("scope-chosen");
  const label = document.getElementById("scope-label");
  let timer = null;
  let asked = 0;

  const choose = (candidate) => {
    form.scope_id.value = candidate ? candidate.id : "";
    chosen.textContent = candidate ? `${page.chosen}${candidate.name}${candidate.detail ? `（${candidate.detail}）` : ""}` : "";
    if (candidate) query.value = candidate.name;
    list.hidden = true;
    list.replaceChildren();
  };
  const scopeChanged = () => {
    const scope = form.scope.value;
    picker.hidden = scope === "district";
    if (scope !== "district") label.textContent = label.dataset[scope];
    query.value = "";
    choose(null);
  };
  const suggest = async () => {
    const q = query.value.trim();
    if (!q) { choose(null); return; }
    const ticket = ++asked;
    const params = new URLSearchParams({scope: form.scope.value, q, source: form.source.value,
      period_start: form.period_start.value, period_end: form.period_end.value});
    const r = await fetch(`${page.api}/scope-candidates?${params}`);
    if (ticket !== asked) return;  // a later keystroke already asked again
    const found = r.ok ? await r.json() : [];
    list.replaceChildren(...(found.length ? found.map((c) => {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "secondary suggestion";
      button.setAttribute("data-testid", "scope-suggestion");
      button.textContent = c.name;
      if (c.detail) {
        const detail = document.createElement("small");
        detail.textContent = ` ${c.detail}`;
        button.append(detail);
      }
      button.addEventListener("click", () => choose(c));
      item.append(button);
      return item;
    }) : [Object.assign(document.createElement("li"), {className: "muted", textContent: page.none})]));
    list.hidden = false;
  };
  form.scope.addEventListener("change", scopeChanged);
  query.addEventListener("input", () => {
    form.scope_id.value = "";
    chosen.textContent = "";
    clearTimeout(timer);
    timer = setTimeout(suggest, 250);
  });
  query.addEventListener("keydown", (e) => {
    if (e.key === "Enter") { e.preventDefault(); clearTimeout(timer); suggest(); }  // search, don't submit
  });
  scopeChanged();

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const d = new FormData(form);
    const num = (k) => d.get(k) === "" || d.get(k) === null ? null : Number(d.get(k));
    const body = {title: d.get("title"), source: d.get("source"), period_start: d.get("period_start"),
      period_end: d.get("period_end"), scope: d.get("scope"), scope_id: d.get("scope") === "district" ? null : num("scope_id"),
      sampling: d.get("sampling"), sample_size: num("sample_size") ?? 0, seed: num("seed")};
    const r = await fetch(`${page.api}/campaigns`, {method: "POST",
      headers: {"Content-Type": "application/json", ...page.headers}, body: JSON.stringify(body)});
    const out = await r.json();
    if (r.ok) { location.href = `${page.page}/campaigns/${out.id}`; return; }
    sanshe.show(document.getElementById("form-errors"), out, form);
  });
})();
