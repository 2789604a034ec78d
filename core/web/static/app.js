// Shared by every page: how an API error body ({detail, errors: [{field, message}]}) is shown.
// A field error names the field as the page labels it (never the API's `period_end`), and sits
// next to the field when the page has one of that name.
window.sanshe = {
  // The words a person reads for an API field: the text of the label around (or for) the
  // control named `field` in `scope`, else the page data's `labels`, else a generic word.
  label(field, scope = document) {
    const control = field && scope.querySelector(`[name="${CSS.escape(field)}"]`);
    const label = control && (control.closest("label") || (control.id && scope.querySelector(`label[for="${CSS.escape(control.id)}"]`)));
    if (label) {
      const copy = label.cloneNode(true);
      copy.querySelectorAll("input, select, textarea, .field-error, small").forEach((el) => el.remove());
      const text = copy.textContent.replace(/\s+/g, " ").trim().replace(/[：:]$/, "");
      if (text) return text;
    }
    const labels = this.data().labels || {};
    if (labels[field]) return labels[field];
    return document.documentElement.lang === "en" ? "This field" : "此项";
  },
  problem(body, scope = document) {
    return [body.detail, ...(body.errors || []).map((e) => `${this.label(e.field, scope)}：${e.message}`)]
      .filter(Boolean).join("；");
  },
  // Show an API error: the summary in `box`, and each field's message next to its control in `form`.
  show(box, body, form = null) {
    const scope = form || (box && box.closest("form")) || document;
    scope.querySelectorAll(".field-error").forEach((el) => el.remove());
    scope.querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
    for (const e of body.errors || []) {
      const control = e.field && scope.querySelector(`[name="${CSS.escape(e.field)}"]`);
      if (!control) continue;
      const note = document.createElement("span");
      note.className = "field-error";
      note.setAttribute("data-testid", `field-error-${e.field}`);
      note.textContent = e.message;
      control.setAttribute("aria-invalid", "true");
      (control.closest("label") || control).after(note);
    }
    box.hidden = false;
    box.textContent = this.problem(body, scope);
    box.scrollIntoView({ block: "nearest" });
  },
  // What a page's script needs from the server (API paths, `headers` a write sends — the CSRF
  // token —, labels) comes in a <script type="application/json" id="page-data"> block: the CSP
  // allows no inline script, and a JSON block is data, never run.
  data() {
    const block = document.getElementById("page-data");
    return block ? JSON.parse(block.textContent) : {};
  },
  // A phone form's save: `body` goes as JSON to the page data's `api` (with its `headers`). An
  // error shows in #<prefix>-error and next to its fields; success shows the page data's `saved`
  // in #<prefix>-saved and reloads the page, which then shows the stored record.
  async sendForm(form, prefix, body, method = "POST") {
    const data = this.data();
    const error = document.getElementById(`${prefix}-error`);
    const saved = document.getElementById(`${prefix}-saved`);
    error.hidden = true;
    saved.hidden = true;
    const response = await fetch(data.api, {
      method,
      headers: { "Content-Type": "application/json", Accept: "application/json", ...data.headers },
      body: JSON.stringify(body),
    });
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) {
      this.show(error, { detail: answer.detail || data.failed, errors: answer.errors || [] }, form);
      return false;
    }
    saved.textContent = data.saved;
    saved.hidden = false;
    window.location.reload();
    return true;
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

// Tables marked `stack` become one card per row on a phone (app.css): each cell gets its column's
// name to show, and explicit ARIA roles, since display:block drops the table semantics.
document.querySelectorAll("table.grid.stack").forEach((table) => {
  const names = [...table.querySelectorAll("thead th")].map((th) => th.textContent.trim());
  table.setAttribute("role", "table");
  table.querySelectorAll("thead, tbody").forEach((group) => group.setAttribute("role", "rowgroup"));
  table.querySelectorAll("tr").forEach((row) => row.setAttribute("role", "row"));
  table.querySelectorAll("thead th").forEach((th) => th.setAttribute("role", "columnheader"));
  table.querySelectorAll("tbody tr").forEach((row) => {
    [...row.children].forEach((cell, i) => {
      cell.setAttribute("role", cell.tagName === "TH" ? "rowheader" : "cell");
      if (names[i] && !cell.hasAttribute("colspan")) cell.dataset.label = names[i];
    });
  });
});

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
