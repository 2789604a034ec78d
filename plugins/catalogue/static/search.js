// The service search page (catalogue/search.html): search as you type against the public API,
// facet chips, result cards and a pager. Every active filter is shown as a removable chip, also
// when nothing matched (a filter whose facet chip is gone must still be visible and removable);
// a result links to its page with the search, so "← 返回服务检索" comes back to it.
(() => {
  const zh = document.documentElement.lang === "zh-CN";
  const $ = (id) => document.getElementById(id);
  const facetTitles = zh ? {field: "服务领域", target: "服务对象", fee: "收费", district: "区县"}
                         : {field: "Field", target: "For", fee: "Fee", district: "District"};
  const feeNames = {free: zh ? "免费" : "Free", subsidised: zh ? "政府补贴" : "Subsidised", paid: zh ? "收费" : "Paid"};
  const chosen = {field: [], target: [], fee: []};
  let page = 1, timer = null, seq = 0;
  const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));

  async function run() {
    const params = new URLSearchParams({q: $("q").value.trim(), page, per_page: 10});
    if ($("district").value) params.append("district", $("district").value);
    for (const [key, values] of Object.entries(chosen)) values.forEach((v) => params.append(key, v));
    const mine = ++seq;
    renderActive();  // at once, whatever the answer: a filter stays visible and removable
    history.replaceState(null, "", `/services?${params}`);  // the address says what the chips say, at once too
    const response = await fetch(`/api/search/services?${params}`);
    if (mine !== seq) return;  // a newer query is on its way
    const body = await response.json();
    if (!response.ok) { $("status").textContent = body.detail || response.statusText; return; }
    render(body, params);
  }

  // The chips of what narrows the search now: the words, the district and each chosen facet value.
  function renderActive() {
    const chips = [];
    const q = $("q").value.trim();
    if (q) chips.push(["q", q, `${zh ? "关键词" : "Words"}：${q}`]);
    if ($("district").value) chips.push(["district", $("district").value,
      `${facetTitles.district}：${$("district").selectedOptions[0].textContent.trim()}`]);
    for (const [name, values] of Object.entries(chosen)) for (const value of values) {
      chips.push([name, value, `${facetTitles[name]}：${name === "fee" ? feeNames[value] || value : value}`]);
    }
    $("active").innerHTML = chips.length ? `<strong>${zh ? "当前条件" : "Filters"}</strong> ` + chips.map(([name, value, text]) =>
      `<button type="button" class="chip on" data-remove="${name}" data-value="${esc(value)}"
        aria-label="${esc(zh ? `移除条件 ${text}` : `Remove ${text}`)}">${esc(text)} <span aria-hidden="true">×</span></button>`).join("") +
      (chips.length > 1 ? ` <button type="button" class="chip" data-remove="all">${zh ? "全部清除" : "Clear all"}</button>` : "") : "";
  }

  function render(body, params) {
    const from = encodeURIComponent(params.toString());
    $("status").textContent = body.total
      ? (zh ? `找到 ${body.total} 项服务` : `${body.total} services found`)
      : (body.suggestion || (zh ? "没有找到服务" : "No services found"));
    $("results").innerHTML = body.hits.map((h) => `
      <article class="card result" data-testid="result-card">
        <h2><a href="/services/${h.id}?from=${from}">${h.highlight.name || esc(h.name)}</a></h2>
        <p class="muted">${esc(h.field)} · ${esc(h.district_name)} · ${esc(h.fee_label)}</p>
        <p>${h.highlight.description || esc(h.description).slice(0, 120)}</p>
        <p class="provider">${zh ? "提供机构" : "Provider"}：${h.highlight.provider || esc(h.provider)}</p>
        ${h.contact_phone ? `<p>${zh ? "电话" : "Phone"}：<a href="tel:${esc(h.contact_phone)}">${esc(h.contact_phone)}</a></p>` : ""}
        ${h.address ? `<p class="muted">${esc(h.address)}</p>` : ""}
      </article>`).join("");
    $("facets").innerHTML = ["field", "target", "fee"].map((name) => {
      const counts = body.facets[name] || {};
      const chips = Object.entries(counts).sort((a, b) => b[1] - a[1]).map(([value, n]) =>
        `<button type="button" class="chip ${chosen[name].includes(value) ? "on" : ""}" data-facet="${name}"
          aria-pressed="${chosen[name].includes(value)}"
          data-value="${esc(value)}">${esc(name === "fee" ? feeNames[value] || value : value)} <small>${n}</small></button>`).join("");
      return chips ? `<div><strong>${facetTitles[name]}</strong> ${chips}</div>` : "";
    }).join("");
    const pages = Math.ceil(body.total / body.per_page);
    $("pager").innerHTML = pages > 1 ? `
      <button type="button" data-page="${page - 1}" ${page <= 1 ? "disabled" : ""}>${zh ? "上一页" : "Previous"}</button>
      <span>${page} / ${pages}</span>
      <button type="button" data-page="${page + 1}" ${page >= pages ? "disabled" : ""}>${zh ? "下一页" : "Next"}</button>` : "";
  }

  $("q").addEventListener("input", () => { page = 1; clearTimeout(timer); timer = setTimeout(run, 200); });
  $("district").addEventListener("change", () => { page = 1; run(); });
  $("search-form").addEventListener("submit", (e) => { e.preventDefault(); page = 1; run(); });
  $("facets").addEventListener("click", (e) => {
    const chip = e.target.closest(".chip"); if (!chip) return;
    const list = chosen[chip.dataset.facet], value = chip.dataset.value;
    list.includes(value) ? list.splice(list.indexOf(value), 1) : list.push(value);
    page = 1; run();
  });
  $("active").addEventListener("click", (e) => {
    const chip = e.target.closest("[data-remove]"); if (!chip) return;
    const name = chip.dataset.remove, value = chip.dataset.value;
    if (name === "q" || name === "all") $("q").value = "";
    if (name === "district" || name === "all") $("district").value = "";
    if (name === "all") for (const key of Object.keys(chosen)) chosen[key] = [];
    else if (chosen[name]) chosen[name] = chosen[name].filter((v) => v !== value);
    page = 1; run();
    $("q").focus();
  });
  $("pager").addEventListener("click", (e) => {
    const button = e.target.closest("button[data-page]"); if (!button) return;
    page = Number(button.dataset.page); run(); window.scrollTo(0, 0);
  });
  const initial = new URLSearchParams(location.search);
  for (const key of Object.keys(chosen)) chosen[key] = initial.getAll(key);
  page = Number(initial.get("page") || 1);
  run();
})();
