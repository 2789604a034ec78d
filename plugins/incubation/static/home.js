// The incubation base page (incubation/home.html): screen, score and decide applications; edit and add bases.
(() => {
  const page = sanshe.data();
  const api = page.api;
  const headers = {"Content-Type": "application/json", ...page.headers};
  const errors = document.getElementById("errors");
  const send = async (method, url, body, box) => {
    const r = await fetch(url, {method, headers, body: JSON.stringify(body)});
    if (r.ok) { location.reload(); return; }
    sanshe.show(box || errors, await r.json());
  };
  const choice = (e, name) => (e.submitter && e.submitter.name === name) ? e.submitter.value === "1" : true;
  document.querySelectorAll("button.check-eligibility").forEach((b) => b.addEventListener("click", async () => {
    const r = await fetch(`${api}/incubatees/${b.dataset.id}/eligibility`);
    const out = await r.json();
    if (!r.ok) { sanshe.show(errors, out); return; }
    const list = document.querySelector(`ul.eligibility[data-id="${b.dataset.id}"]`);
    list.replaceChildren(...out.checks.map((c) => {
      const li = document.createElement("li");
      li.textContent = `${c.ok ? "✓" : (c.blocking ? "✗" : "ⓘ")} ${c.reason}`;
      return li;
    }));
    list.hidden = false;
  }));
  document.querySelectorAll("form.screen").forEach((f) => f.addEventListener("submit", (e) => {
    e.preventDefault();
    send("POST", `${api}/incubatees/${f.dataset.id}/screen`, {passed: choice(e, "passed"), reason: f.reason.value});
  }));
  document.querySelectorAll("form.score").forEach((f) => f.addEventListener("submit", (e) => {
    e.preventDefault();
    send("POST", `${api}/incubatees/${f.dataset.id}/scores`, {score: Number(f.score.value), comment: f.comment.value});
  }));
  document.querySelectorAll("form.decide").forEach((f) => f.addEventListener("submit", (e) => {
    e.preventDefault();
    send("POST", `${api}/incubatees/${f.dataset.id}/decide`, {accept: choice(e, "accept"), reason: f.reason.value});
  }));
  const baseBody = (d) => ({name: d.get("name"), address: d.get("address"), capacity: Number(d.get("capacity")),
    services: d.getAll("services")});
  document.querySelectorAll("form.edit-base").forEach((f) => f.addEventListener("submit", (e) => {
    e.preventDefault();
    const d = new FormData(f);
    send("PATCH", `${api}/bases/${f.dataset.id}`, {...baseBody(d), active: d.get("active") !== null},
         document.getElementById("base-errors"));
  }));
  const form = document.getElementById("new-base");
  if (form) form.addEventListener("submit", (e) => {
    e.preventDefault();
    const d = new FormData(form);
    send("POST", `${api}/bases`, {...baseBody(d), community_code: d.get("community_code") || null},
         document.getElementById("form-errors"));
  });
})();
