// The person page's "查看完整信息": ask why in an in-page dialog (sanshe.ask), then call the
// audited reveal API with that reason and show the full ID number and phone in place, once
// (a reload shows them masked again).
(() => {
  const button = document.getElementById("reveal");
  if (!button) return;
  const data = sanshe.data();
  button.addEventListener("click", async () => {
    const reason = await sanshe.ask({ message: data.ask, input: true, ok: data.ok });
    if (!reason) return;
    const error = document.getElementById("reveal-error");
    error.hidden = true;
    const response = await fetch(`${data.reveal}?reason=${encodeURIComponent(reason.slice(0, 200))}`, {
      headers: { Accept: "application/json" },
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      sanshe.show(error, { detail: body.detail || data.failed, errors: body.errors || [] });
      return;
    }
    document.querySelector("[data-testid=person-id-number]").textContent = body.id_number;
    document.querySelector("[data-testid=person-phone]").textContent = body.phone || "—";
    const status = document.getElementById("reveal-status");
    status.textContent = data.shown.replace("%s", reason.slice(0, 200));
    status.hidden = false;
    button.hidden = true;
  });
})();
