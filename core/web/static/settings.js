// The module settings form (module_settings.html): each field's text becomes the setting's type,
// the whole set is saved through the settings API (audited), errors go next to the field by its
// label (sanshe.show), and "恢复默认" fills a field — or every field — with its default.
(() => {
  const form = document.getElementById("settings-form");
  if (!form) return;
  const data = sanshe.data();
  const error = document.getElementById("settings-error");
  const saved = document.getElementById("settings-saved");

  // A value the server can check: a number when the text is one, else the text itself, so a
  // wrong entry gets the server's message ("应为 int 类型") next to the field rather than vanishing.
  const valueOf = (box) => {
    const control = box.querySelector("[name]");
    const type = box.dataset.type;
    if (control.type === "checkbox") return control.checked;
    const text = control.value.trim();
    if (type === "list") return text.split("\n").map((line) => line.trim()).filter(Boolean);
    if (type === "int" && /^[-+]?\d+$/.test(text)) return Number(text);
    if (type === "float" && /^[-+]?(\d+\.?\d*|\.\d+)$/.test(text)) return Number(text);
    return type === "bool" ? text === "true" : text;
  };

  const reset = (box) => {
    const control = box.querySelector("[name]");
    if (control.type === "checkbox") control.checked = box.dataset.default === "true";
    else control.value = box.dataset.default;
  };

  form.querySelectorAll("[data-reset]").forEach((button) => {
    button.addEventListener("click", () => {
      const box = button.closest(".setting");
      reset(box);
      box.querySelector("[name]").focus();
      saved.hidden = false;
      saved.textContent = data.defaults_filled;
    });
  });
  document.getElementById("reset-all").addEventListener("click", () => {
    form.querySelectorAll(".setting").forEach(reset);
    saved.hidden = false;
    saved.textContent = data.defaults_filled;
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.hidden = true;
    saved.hidden = true;
    const settings = {};
    form.querySelectorAll(".setting").forEach((box) => { settings[box.dataset.setting] = valueOf(box); });
    const response = await fetch(data.api, {
      method: "PUT",
      headers: { "Content-Type": "application/json", Accept: "application/json", ...data.headers },
      body: JSON.stringify({ enabled: data.enabled, settings }),
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      sanshe.show(error, { detail: body.detail || data.failed, errors: body.errors || [] }, form);
      return;
    }
    form.querySelectorAll(".field-error").forEach((el) => el.remove());
    form.querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
    saved.textContent = data.saved;
    saved.hidden = false;
    saved.scrollIntoView({ block: "nearest" });
  });
})();
