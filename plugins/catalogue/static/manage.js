// The service management page (catalogue/manage.html): publish or suspend a service, add one.
(() => {
  const page = sanshe.data();
  const api = page.api;
  const headers = {"Content-Type": "application/json", ...page.headers};
  const show = (body) => sanshe.show(document.getElementById("form-errors"), body);
  document.querySelectorAll("button[data-status]").forEach((b) => b.addEventListener("click", async () => {
    const r = await fetch(`${api}/${b.dataset.id}`, {method: "PATCH", headers, body: JSON.stringify({status: b.dataset.status})});
    if (r.ok) location.reload(); else sanshe.notice(sanshe.problem(await r.json()));
  }));
  const form = document.getElementById("new-service");
  if (form) form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const data = new FormData(form);
    const body = {name: data.get("name"), organization_id: Number(data.get("organization_id")), field: data.get("field"),
      target_groups: data.getAll("target_groups"), description: data.get("description"), fee: data.get("fee"),
      address: data.get("address"), opening_hours: data.get("opening_hours"), contact_phone: data.get("contact_phone"),
      status: data.get("publish") ? "published" : "draft"};
    const r = await fetch(api, {method: "POST", headers, body: JSON.stringify(body)});
    if (r.ok) location.reload(); else show(await r.json());
  });
})();
