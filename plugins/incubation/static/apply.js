// The application page (incubation/apply.html): member rows and the application form.
(() => {
  const form = document.getElementById("application");
  if (!form) return;
  const page = sanshe.data();
  const rows = document.getElementById("member-rows");
  const addRow = () => {
    const row = document.getElementById("member-row").content.firstElementChild.cloneNode(true);
    row.querySelector(".remove-member").addEventListener("click", () => row.remove());
    rows.appendChild(row);
  };
  for (let i = 0; i < page.min_members; i++) addRow();
  document.getElementById("add-member").addEventListener("click", addRow);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const d = new FormData(form);
    const other = (d.get("other_fields") || "").split(/[,，、]/).map((s) => s.trim()).filter(Boolean);
    const members = [...rows.querySelectorAll(".member")].map((m) => ({
      name: m.querySelector("[name=member_name]").value, role: m.querySelector("[name=member_role]").value,
      retired: m.querySelector("[name=member_retired]").checked})).filter((m) => m.name.trim() || m.role.trim());
    const body = {base_id: Number(d.get("base_id")), name: d.get("name"), incubatee_type: d.get("incubatee_type"),
      fields: [...d.getAll("fields"), ...other],
      members, intended_services: d.getAll("intended_services"), community_code: d.get("community_code") || null,
      plan: d.get("plan"), contact_name: d.get("contact_name"), contact_phone: d.get("contact_phone")};
    if (d.get("organization_id")) body.organization_id = Number(d.get("organization_id"));
    const r = await fetch(`${page.api}/applications`, {method: "POST",
      headers: {"Content-Type": "application/json", ...page.headers}, body: JSON.stringify(body)});
    const out = await r.json();
    if (r.ok) { location.reload(); return; }
    sanshe.show(document.getElementById("form-errors"), out);
  });
})();
