// The dashboard's 季度报送 form (indicators.html): POST submits the chosen closed quarter's
// figures (a resubmission needs the reason); errors go next to their field (sanshe.show); on
// success the page reloads to show the quarter as 已报送.
(() => {
  const form = document.getElementById("report-form");
  if (!form) return;
  const data = sanshe.data();
  const error = document.getElementById("report-error");
  const saved = document.getElementById("report-saved");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.hidden = true;
    saved.hidden = true;
    const body = {};
    form.querySelectorAll("[name]").forEach((control) => { body[control.name] = control.value.trim(); });
    const response = await fetch(data.api, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json", ...data.headers },
      body: JSON.stringify(body),
    });
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) {
      sanshe.show(error, { detail: answer.detail || data.failed, errors: answer.errors || [] }, form);
      return;
    }
    saved.textContent = data.saved;
    saved.hidden = false;
    window.location.reload();
  });
})();
