// The street page's station form (registry_street.html): POST records a station, PATCH changes
// the open one (a 撤站日期 closes it). Empty dates and numbers are left out; errors go next to
// their field (sanshe.show); on success the page reloads to show the saved station.
(() => {
  const form = document.getElementById("station-form");
  if (!form) return;
  const data = sanshe.data();
  const error = document.getElementById("station-error");
  const saved = document.getElementById("station-saved");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.hidden = true;
    saved.hidden = true;
    const body = {};
    form.querySelectorAll("[name]").forEach((control) => {
      const text = control.value.trim();
      const kind = control.dataset.kind;
      if (kind === "date" && !text) return;
      if (kind === "int") {
        if (!text) return;
        body[control.name] = /^[-+]?\d+$/.test(text) ? Number(text) : text;
        return;
      }
      body[control.name] = text;
    });
    const response = await fetch(data.api, {
      method: form.dataset.method,
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
