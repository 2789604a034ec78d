// One activity (participation/activity.html): a resident signs up, cancels, checks in with the
// venue's code and rates; staff check residents in, show the code, cancel, record no-shows.
(() => {
  const page = sanshe.data();
  const one = `${page.api}/activities/${page.activity}`;
  const headers = {"Content-Type": "application/json", ...page.headers};
  const box = document.getElementById("act-message");
  const post = async (url, body = {}, form = null) => {
    const r = await fetch(url, {method: "POST", headers, body: JSON.stringify(body)});
    const answer = await r.json();
    if (!r.ok) { sanshe.show(box, answer, form); return null; }
    return answer;
  };
  const on = (id, handler) => { const el = document.getElementById(id); if (el) el.addEventListener("click", handler); };
  on("signup", async () => { if (await post(`${one}/signups`)) location.reload(); });
  on("cancel-signup", async () => {
    if (await sanshe.ask({message: page.ask.cancel_signup, danger: true}) && await post(`${one}/signups/cancel`)) location.reload();
  });
  on("cancel-activity", async () => {
    const reason = await sanshe.ask({message: page.ask.cancel_activity, input: true, danger: true});
    if (reason !== null && await post(`${one}/cancel`, {reason})) location.reload();
  });
  on("no-shows", async () => {
    if (await sanshe.ask({message: page.ask.no_shows}) && await post(`${one}/no-shows`)) location.reload();
  });
  on("show-code", async () => {
    const answer = await post(`${one}/checkin-code`);
    if (!answer) return;
    const shown = document.getElementById("code-shown");
    const until = new Date(answer.valid_until).toLocaleTimeString("zh-CN", {timeZone: "Asia/Shanghai", hour: "2-digit", minute: "2-digit"});
    shown.textContent = page.code_until.replace("%s", until) + answer.code;
    shown.hidden = false;
  });
  document.querySelectorAll("button[data-checkin]").forEach((b) => b.addEventListener("click", async () => {
    b.disabled = true;
    if (await post(`${one}/checkins`, {signup_id: Number(b.dataset.checkin)})) location.reload(); else b.disabled = false;
  }));
  document.querySelectorAll("button[data-hide]").forEach((b) => b.addEventListener("click", async () => {
    const reason = await sanshe.ask({message: page.ask.hide, input: true});
    if (reason !== null && await post(`${page.api}/ratings/${b.dataset.hide}/hide`, {reason})) location.reload();
  }));
  const codeForm = document.getElementById("code-form");
  if (codeForm) codeForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    const answer = await post(`${one}/checkins/code`, {code: codeForm.code.value.trim()}, codeForm);
    if (answer) { await sanshe.ask({message: page.thanks.replace("%s", answer.points)}); location.reload(); }
  });
  const rateForm = document.getElementById("rate-form");
  if (rateForm) rateForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    const body = {comment: rateForm.comment.value};
    for (const d of ["professional", "timeliness", "attitude", "effect"]) body[d] = Number(rateForm[d].value);
    if (await post(`${one}/ratings`, body, rateForm)) location.reload();
  });
})();
