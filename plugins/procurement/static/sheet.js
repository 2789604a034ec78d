// A panel member's scoring sheet (procurement/sheet.html): the conflict-of-interest declaration,
// then one form per bid (plan, capacity, past results 0–100; saved in place).
(() => {
  const page = sanshe.data();
  const send = (path, body) => fetch(`${page.api}${path}`, {method: "POST",
    headers: {"Content-Type": "application/json", ...page.headers}, body: JSON.stringify(body)});
  const declaration = document.getElementById("declaration-form");
  if (declaration) {
    declaration.addEventListener("submit", async (e) => {
      e.preventDefault();
      const d = new FormData(declaration);
      const r = await send("/declarations", {conflict: d.get("conflict") || "",
        organization_ids: d.getAll("conflict_org").map(Number), statement: d.get("statement")});
      if (r.ok) { location.reload(); return; }
      sanshe.show(document.getElementById("declaration-errors"), await r.json(), declaration);
    });
  }
  const number = (text) => (text || "").trim() === "" ? null : Number(text);
  document.querySelectorAll("form.score-form").forEach((form) => {
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const d = new FormData(form);
      const r = await send("/scores", {bid_id: Number(d.get("bid_id")), plan: number(d.get("plan")),
        capacity: number(d.get("capacity")), past: number(d.get("past")), comment: d.get("comment")});
      const saved = form.querySelector("[data-testid=saved]");
      if (r.ok) {
        form.querySelector("[role=alert]").hidden = true;
        form.querySelectorAll(".field-error").forEach((el) => el.remove());
        saved.hidden = false;
        return;
      }
      saved.hidden = true;
      sanshe.show(form.querySelector("[role=alert]"), await r.json(), form);
    });
  });
})();
