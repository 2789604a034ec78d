// The committee pages (participation/committees.html, committee.html): set up a committee, add
// members, plan meetings, record a meeting's minutes and attendance and its decisions (which may
// answer a proposal and create a need or an activity), answer proposals (staff); raise a
// proposal (residents). Times typed are Beijing time.
(() => {
  const page = sanshe.data();
  const send = (url, body) => fetch(url, {method: "POST",
    headers: {"Content-Type": "application/json", ...page.headers}, body: JSON.stringify(body)});
  const wire = (id, url, body) => {
    const form = document.getElementById(id);
    if (!form) return;
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const r = await send(url(), body(new FormData(form)));
      const out = await r.json();
      if (r.ok) { location.reload(); return; }
      sanshe.show(form.querySelector(".error"), out, form);
    });
  };
  const committee = `${page.api}/committees/${page.committee}`;
  wire("committee-form", () => `${page.api}/committees`, (d) => ({area_code: d.get("area_code"), name: d.get("name")}));
  wire("member-form", () => `${committee}/members`, (d) => ({name: d.get("name"), kind: d.get("kind"),
    term_start: d.get("term_start"), term_end: d.get("term_end")}));
  wire("meeting-form", () => `${committee}/meetings`, (d) => ({held_at: `${d.get("held_at")}:00+08:00`,
    place: d.get("place"), agenda: d.get("agenda")}));
  wire("proposal-form", () => `${committee}/proposals`, (d) => ({title: d.get("title"), body: d.get("body")}));
  const beijing = (value) => (value ? `${value}:00+08:00` : null);
  const each = (selector, url, body) => document.querySelectorAll(selector).forEach((form) =>
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const r = await send(url(form), body(new FormData(form), form));
      const out = await r.json();
      if (r.ok) { location.reload(); return; }
      sanshe.show(form.querySelector(".error"), out, form);
    }));
  each(".minutes-form", (form) => `${page.api}/meetings/${form.dataset.id}/minutes`, (d) => ({
    minutes: d.get("minutes"), attendance: d.getAll("attendance").map(Number)}));
  each(".decision-form", (form) => `${page.api}/meetings/${form.dataset.id}/decisions`, (d) => {
    const creates = d.get("creates");
    const body = {text: d.get("text"), creates, proposal_id: d.get("proposal_id") ? Number(d.get("proposal_id")) : null};
    if (creates === "need") {
      body.need = {field: d.get("need.field"), title: d.get("need.title"), description: d.get("need.description")};
    } else if (creates === "activity") {
      body.activity = {title: d.get("activity.title"), place: d.get("activity.place"),
        starts_at: beijing(d.get("activity.starts_at")), ends_at: beijing(d.get("activity.ends_at")),
        capacity: Number(d.get("activity.capacity")), field: d.get("activity.field")};
    }
    return body;
  });
  // What a decision creates: only that part of the form shows (and is checked by the browser).
  document.querySelectorAll(".decision-form [name=creates]").forEach((select) => {
    const toggle = () => select.form.querySelectorAll("fieldset[data-creates]").forEach((part) => {
      const on = part.dataset.creates === select.value;
      part.hidden = !on;
      part.disabled = !on;
    });
    select.addEventListener("change", toggle);
    toggle();
  });
  document.querySelectorAll(".answer-form").forEach((form) => form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const d = new FormData(form);
    const r = await send(`${page.api}/proposals/${form.dataset.id}/answer`,
      {adopted: d.get("adopted") === "on", answer: d.get("answer")});
    const out = await r.json();
    if (r.ok) { location.reload(); return; }
    sanshe.show(form.querySelector(".error"), out, form);
  }));
})();
