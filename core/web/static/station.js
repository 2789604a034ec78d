// The street page's station form (registry_street.html): POST records a station, PATCH changes
// the open one (a 撤站日期 closes it). Empty dates and numbers are left out; the save, its errors
// next to their fields and the reload are sanshe.sendForm's.
(() => {
  const form = document.getElementById("station-form");
  if (!form) return;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
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
    await sanshe.sendForm(form, "station", body, form.dataset.method);
  });
})();
