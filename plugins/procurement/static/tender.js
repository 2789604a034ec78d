// The tender sections of a project page (procurement/_tender.html, _ranking.html): the terms
// form (eligibility, weights, deadline typed in Beijing time), naming a panel member, the award.
(() => {
  const page = sanshe.data();
  const send = (method, path, body) => fetch(`${page.api}${path}`, {method,
    headers: {"Content-Type": "application/json", ...page.headers}, body: JSON.stringify(body)});
  const wire = (id, method, path, body) => {
    const form = document.getElementById(id);
    if (!form) return;
    const box = form.querySelector("[role=alert]");
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const r = await send(method, path, body(new FormData(form), form));
      if (r.ok) { location.reload(); return; }
      sanshe.show(box, await r.json(), form);
    });
  };
  const number = (text) => (text || "").trim() === "" ? null : Number(text);
  wire("terms-form", "PUT", "/terms", (d, form) => {
    const weights = {};
    form.querySelectorAll("[data-criterion]").forEach((input) => { weights[input.dataset.criterion] = number(input.value); });
    const deadline = d.get("bid_deadline");
    return {eligibility: {allowed_kinds: d.getAll("allowed_kinds"), min_grade: d.get("eligibility.min_grade") || null,
      min_workers: number(d.get("eligibility.min_workers")) ?? 0, min_past_score: number(d.get("eligibility.min_past_score")),
      require_past_score: d.get("require_past_score") === "on", for_new_providers: d.get("for_new_providers") === "on"},
      weights, bid_deadline: deadline ? `${deadline}:00+08:00` : null};
  });
  wire("member-form", "POST", "/panel", (d) => ({username: d.get("username")}));
  wire("award-form", "POST", "/award", (d) => ({bid_id: Number(d.get("bid_id")), reason: d.get("reason")}));
})();
