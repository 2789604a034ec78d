// The service management page (catalogue/manage.html): publish or suspend a service, add one,
// edit one (PATCH); a refused value is shown next to its field, named as the page labels it.
(() => {
  const page = sanshe.data();
  const api = page.api;
  const headers = {"Content-Type": "application/json", ...page.headers};
  const TEXTS = ["name", "field", "description", "eligibility", "fee", "fee_description", "address", "opening_hours",
    "contact_phone", "email", "source"];

  // The API body from a service form: every field the form has (lists as lists, the date only when given).
  function serviceBody(form) {
    const data = new FormData(form);
    const body = {organization_id: Number(data.get("organization_id")), target_groups: data.getAll("target_groups"),
      communities: data.getAll("communities")};
    for (const name of TEXTS) if (data.has(name)) body[name] = data.get(name).trim();
    if (data.get("last_verified")) body.last_verified = data.get("last_verified");
    if (data.get("status")) body.status = data.get("status");
    return body;
  }

  document.querySelectorAll("button[data-status]").forEach((b) => b.addEventListener("click", async () => {
    const r = await fetch(`${api}/${b.dataset.id}`, {method: "PATCH", headers, body: JSON.stringify({status: b.dataset.status})});
    if (r.ok) location.reload(); else sanshe.notice(sanshe.problem(await r.json()));
  }));

  const form = document.getElementById("new-service");
  if (form) form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const body = serviceBody(form);
    body.status = new FormData(form).get("publish") ? "published" : "draft";
    const r = await fetch(api, {method: "POST", headers, body: JSON.stringify(body)});
    if (r.ok) location.reload(); else sanshe.show(document.getElementById("form-errors"), await r.json(), form);
  });

  const edit = document.getElementById("edit-form");
  if (edit) edit.addEventListener("submit", async (e) => {
    e.preventDefault();
    const button = edit.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      const r = await fetch(`${api}/${edit.dataset.id}`, {method: "PATCH", headers, body: JSON.stringify(serviceBody(edit))});
      if (r.ok) {
        const back = new URLSearchParams({saved: edit.dataset.id});
        const q = new URLSearchParams(location.search).get("q");
        if (q) back.set("q", q);
        location.assign(`${location.pathname}?${back}`);
        return;
      }
      sanshe.show(document.getElementById("edit-errors"), await r.json().catch(() => ({detail: r.statusText})), edit);
    } finally {
      button.disabled = false;
    }
  });
})();
