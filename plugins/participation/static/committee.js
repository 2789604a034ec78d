// The committee pages (participation/committees.html, committee.html): set up a committee, add
// members, plan meetings, answer proposals (staff); raise a proposal (residents).
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
