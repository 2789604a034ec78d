// Shared by every page: how an API error body ({detail, errors: [{field, message}]}) is shown.
window.sanshe = {
  problem(body) {
    return [body.detail, ...(body.errors || []).map((e) => `${e.field}：${e.message}`)].filter(Boolean).join("；");
  },
  show(box, body) {
    box.hidden = false;
    box.textContent = this.problem(body);
    box.scrollIntoView({ block: "nearest" });
  },
  // What a page's script needs from the server (API paths, `headers` a write sends — the CSRF
  // token —, labels) comes in a <script type="application/json" id="page-data"> block: the CSP
  // allows no inline script, and a JSON block is data, never run.
  data() {
    const block = document.getElementById("page-data");
    return block ? JSON.parse(block.textContent) : {};
  },
  // An in-page question instead of confirm()/prompt() (which block the page, cannot be styled
  // and read badly on a phone): resolves to true (or the text typed, when `input`) or null.
  ask({ message, input = false, ok, danger = false }) {
    const zh = document.documentElement.lang !== "en";
    const dialog = document.createElement("dialog");
    dialog.className = "ask";
    dialog.setAttribute("data-testid", "ask");
    const form = document.createElement("form");
    form.method = "dialog";
    const text = document.createElement("p");
    text.textContent = message;
    text.id = `ask-${Date.now()}`;
    dialog.setAttribute("aria-labelledby", text.id);
    form.append(text);
    let field = null;
    if (input) {
      field = document.createElement("textarea");
      field.required = true;
      field.rows = 3;
      field.setAttribute("aria-labelledby", text.id);
      form.append(field);
    }
    const buttons = document.createElement("p");
    buttons.className = "actions";
    const cancel = document.createElement("button");
    cancel.type = "button";
    cancel.className = "secondary";
    cancel.textContent = zh ? "取消" : "Cancel";
    const confirmButton = document.createElement("button");
    confirmButton.type = "submit";
    confirmButton.value = "ok";
    confirmButton.className = danger ? "danger" : "";
    confirmButton.textContent = ok || (zh ? "确定" : "OK");
    buttons.append(cancel, confirmButton);
    form.append(buttons);
    dialog.append(form);
    document.body.append(dialog);
    return new Promise((resolve) => {
      cancel.addEventListener("click", () => dialog.close(""));
      dialog.addEventListener("close", () => {
        const answered = dialog.returnValue === "ok";
        dialog.remove();
        resolve(answered ? (field ? field.value.trim() : true) : null);
      });
      dialog.showModal();
      (field || confirmButton).focus();
    });
  },
  // A message in the page (replaces alert()): `kind` "error" or "ok"; it stays until the next one.
  notice(message, kind = "error") {
    let box = document.getElementById("notice");
    if (!box) {
      box = document.createElement("p");
      box.id = "notice";
      box.setAttribute("data-testid", "notice");
      document.querySelector("main").prepend(box);
    }
    box.className = kind === "error" ? "error" : "ok";
    box.setAttribute("role", kind === "error" ? "alert" : "status");
    box.textContent = message;
    box.scrollIntoView({ block: "nearest" });
  },
};

// Small behaviours that used to be inline handlers (the CSP forbids onclick= and the like).
document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
  select.addEventListener("change", () => select.form.submit());
});
document.querySelectorAll("[data-print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});

// Module switches on the district home: PUT with the session's CSRF token, then reload.
document.querySelectorAll("button.toggle").forEach((button) => {
  button.addEventListener("click", async () => {
    const enabled = button.dataset.enabled !== "true";
    // Switching a module off hides it from everyone in the district at once: ask first.
    if (!enabled && !(await sanshe.ask({ message: button.dataset.confirmOff, danger: true, ok: button.textContent.trim() }))) return;
    const response = await fetch(`/api/districts/${button.dataset.district}/modules/${button.dataset.module}`, {
      method: "PUT",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": button.dataset.csrf },
      body: JSON.stringify({ enabled }),
    });
    if (response.ok) { location.reload(); return; }
    const problem = await response.json().catch(() => ({}));
    sanshe.notice(problem.detail || response.statusText);
  });
});
