// One audit campaign (supervision/campaign.html): draw the sample, give verdicts one by one or to
// a selection at once, close items and the campaign, upload evidence, check the draw with the same
// seed. Errors show next to the record (and the field) they concern.
(() => {
  const page = sanshe.data();
  const api = page.api;
  const json = {"Content-Type": "application/json", ...page.headers};
  const DONE = "supervision-campaign-done";
  // A form's own error box, else the campaign's.
  const boxOf = (form) => (form && form.querySelector(".error")) || document.getElementById("errors");
  const post = async (url, body, form = null) => {
    const r = await fetch(url, {method: "POST", headers: json, body: JSON.stringify(body)});
    if (r.ok) { location.reload(); return; }
    sanshe.show(boxOf(form), await r.json(), form);
  };
  const done = sessionStorage.getItem(DONE);
  if (done) { sessionStorage.removeItem(DONE); sanshe.notice(done, "ok"); }

  const sample = document.getElementById("sample");
  if (sample) sample.addEventListener("click", () => post(`${api}/campaigns/${page.campaign}/sample`, {}));
  document.querySelectorAll("form.verdict").forEach((f) => f.addEventListener("submit", (e) => {
    e.preventDefault();
    post(`${api}/items/${f.dataset.id}/verdict`, {verdict: f.verdict.value, finding: f.finding.value}, f);
  }));
  document.querySelectorAll("form.close-item").forEach((f) => f.addEventListener("submit", (e) => {
    e.preventDefault();
    post(`${api}/items/${f.dataset.id}/close`, {note: f.note.value}, f);
  }));
  document.querySelectorAll("form.evidence").forEach((f) => f.addEventListener("submit", async (e) => {
    e.preventDefault();
    const r = await fetch(`${api}/items/${f.dataset.id}/evidence`, {method: "POST", headers: page.headers, body: new FormData(f)});
    if (r.ok) location.reload(); else sanshe.show(boxOf(f), await r.json(), f);
  }));
  const close = document.getElementById("close-campaign");
  if (close) close.addEventListener("submit", (e) => {
    e.preventDefault();
    post(`${api}/campaigns/${page.campaign}/close`, {summary: close.summary.value}, close);
  });
  const redraw = document.getElementById("redraw");
  if (redraw) redraw.addEventListener("click", async () => {
    const out = await (await fetch(`${api}/campaigns/${page.campaign}/redraw`)).json();
    document.getElementById("redraw-result").textContent = out.same ? page.same : page.different;
  });

  // Several records at once: tick them (or the whole page), then one request marks them all 合格;
  // a refusal names each record (`items.<id>`), shown next to its tick box, and saves none.
  const records = document.getElementById("records");
  const bulk = document.getElementById("bulk-pass");
  if (!bulk) return;
  const picks = [...document.querySelectorAll("input.pick")];
  const all = document.getElementById("pick-all");
  const picked = () => picks.filter((p) => p.checked);
  const update = () => {
    const n = picked().length;
    document.getElementById("picked").textContent = n;
    bulk.disabled = n === 0;
    all.checked = n > 0 && n === picks.length;
    all.indeterminate = n > 0 && n < picks.length;
  };
  picks.forEach((p) => p.addEventListener("change", update));
  all.addEventListener("change", () => { picks.forEach((p) => { p.checked = all.checked; }); update(); });
  bulk.addEventListener("click", async () => {
    const ids = picked().map((p) => Number(p.value));
    const message = page.judged.replace("%d", ids.length);
    if (!(await sanshe.ask({message: `${message}？`, ok: bulk.firstChild.textContent.trim()}))) return;
    bulk.disabled = true;
    const r = await fetch(`${api}/campaigns/${page.campaign}/verdicts`, {method: "POST", headers: json,
      body: JSON.stringify({item_ids: ids, verdict: "合格", finding: ""})});
    if (r.ok) { sessionStorage.setItem(DONE, message); location.reload(); return; }
    sanshe.show(document.getElementById("bulk-errors"), await r.json(), records);
    update();
  });
  update();
})();
