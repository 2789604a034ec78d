// A social worker's own page (talent/me.html): file a service log as a draft, edit the draft,
// submit it, correct a submitted one, and record continuing education — all through the
// talent API (/api/districts/{code}/talent/me/…). Errors sit next to the field, by its label.
(() => {
  const page = sanshe.data();
  const api = page.api;
  const logForm = document.getElementById("log-form");
  const logBox = document.getElementById("log-errors");
  const title = document.getElementById("log-form-title");
  const save = logForm && logForm.querySelector("[data-testid=log-save]");
  const reasonLabel = logForm && logForm.querySelector(".correction-only");
  let target = { method: "POST", url: `${api}/logs` };

  const send = (method, url, body) => fetch(url, {
    method, headers: { "Content-Type": "application/json", ...page.headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const done = async (response, box, form) => {
    if (response.ok) { location.reload(); return; }
    const body = await response.json().catch(() => ({ detail: response.statusText }));
    if (box) sanshe.show(box, body, form); else sanshe.notice(body.detail || response.statusText);
  };
  // Required fields left empty are named here, next to the field, before anything is sent.
  const zh = document.documentElement.lang !== "en";
  const missing = (form, box) => {
    const empty = [...form.querySelectorAll("[required]")].filter((c) => !c.closest("[hidden]") && c.value.trim() === "");
    if (!empty.length) return false;
    sanshe.show(box, { detail: zh ? "请填写必填项" : "Please fill in the required fields",
      errors: empty.map((c) => ({ field: c.name, message: zh ? "必填" : "required" })) }, form);
    empty[0].focus();
    return true;
  };
  // A number field as the API wants it: a number, or absent when left empty.
  const number = (form, name) => (form[name].value.trim() === "" ? undefined : Number(form[name].value));

  function open(mode, id = null) {
    const log = id ? page.logs[id] : null;
    logForm.reset();
    logForm.querySelectorAll(".field-error").forEach((el) => el.remove());
    logForm.querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
    logBox.hidden = true;
    if (log) {
      for (const name of ["day", "hours", "kind", "community_code", "beneficiaries", "summary"]) logForm[name].value = log[name];
      if (logForm.delivery_ref) logForm.delivery_ref.value = log.delivery_ref;
    }
    reasonLabel.hidden = mode !== "correct";
    logForm.reason.required = mode === "correct";
    title.textContent = title.dataset[mode === "new" ? "new" : mode];
    save.textContent = mode === "correct" ? save.dataset.correct : save.dataset.draft;
    target = mode === "edit" ? { method: "PATCH", url: `${api}/logs/${id}` }
      : mode === "correct" ? { method: "POST", url: `${api}/logs/${id}/correction` }
        : { method: "POST", url: `${api}/logs` };
    target.correct = mode === "correct";
    logForm.hidden = false;
    logForm.scrollIntoView({ block: "start" });
    logForm.day.focus();
  }

  if (logForm) {
    document.getElementById("new-log").addEventListener("click", () => open("new"));
    document.getElementById("log-cancel").addEventListener("click", () => { logForm.hidden = true; });
    document.querySelectorAll("button[data-testid=log-edit]").forEach((b) => b.addEventListener("click", () => open("edit", b.dataset.edit)));
    document.querySelectorAll("button[data-testid=log-correct]").forEach((b) => b.addEventListener("click", () => open("correct", b.dataset.correct)));
    logForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (missing(logForm, logBox)) return;
      const body = {
        day: logForm.day.value || undefined, hours: number(logForm, "hours"), kind: logForm.kind.value,
        community_code: logForm.community_code.value || null, beneficiaries: number(logForm, "beneficiaries") ?? 0,
        summary: logForm.summary.value.trim(),
        delivery_ref: (logForm.delivery_ref && logForm.delivery_ref.value) || null,
      };
      if (target.correct) body.reason = logForm.reason.value.trim();
      save.disabled = true;
      try { await done(await send(target.method, target.url, body), logBox, logForm); } finally { save.disabled = false; }
    });
  }

  document.querySelectorAll("button[data-submit]").forEach((button) => button.addEventListener("click", async () => {
    if (!(await sanshe.ask({ message: page.confirm_submit, ok: page.submit_ok }))) return;
    button.disabled = true;
    await done(await send("POST", `${api}/logs/${button.dataset.submit}/submit`), null, null);
    button.disabled = false;
  }));

  const ceForm = document.getElementById("ce-form");
  if (ceForm) {
    ceForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (missing(ceForm, document.getElementById("ce-errors"))) return;
      const body = { kind: ceForm.kind.value, day: ceForm.day.value || undefined, provider: ceForm.provider.value.trim(),
        title: ceForm.title.value.trim(), hours: number(ceForm, "hours") ?? null };
      await done(await send("POST", `${api}/education`, body), document.getElementById("ce-errors"), ceForm);
    });
  }
})();
