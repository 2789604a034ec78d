// The roster import page (talent/import.html): check the chosen file with the import API's dry run,
// show every row error (row number, column header as the template writes it, cell, problem), and
// import the same file once it is clean. XMLHttpRequest (not fetch) so the upload's progress shows.
(() => {
  const page = sanshe.data();
  const zh = document.documentElement.lang !== "en";
  const form = document.querySelector("[data-testid=import-form]");
  const input = form.querySelector("input[type=file]");
  const check = form.querySelector("[data-testid=import-check]");
  const confirm = form.querySelector("[data-testid=import-confirm]");
  const progressBox = document.querySelector("[data-testid=import-progress]");
  const bar = progressBox.querySelector("progress");
  const progressText = progressBox.querySelector("[data-testid=progress-text]");
  const errorBox = document.querySelector("[data-testid=import-error]");
  const summary = document.querySelector("[data-testid=import-summary]");
  const errorsCard = document.querySelector("[data-testid=import-errors]");
  const errorRows = errorsCard.querySelector("tbody");
  const errorCount = errorsCard.querySelector("[data-testid=error-count]");

  const megabytes = (n) => `${(n / 1_000_000).toFixed(n < 100_000 ? 2 : 1)} MB`;

  function reset() {
    errorBox.hidden = true;
    summary.hidden = true;
    summary.replaceChildren();
    errorsCard.hidden = true;
    errorRows.replaceChildren();
    confirm.hidden = true;
    form.querySelectorAll(".field-error").forEach((el) => el.remove());
    input.removeAttribute("aria-invalid");
  }

  function busy(on) {
    check.disabled = on;
    confirm.disabled = on;
    input.disabled = on;
    form.setAttribute("aria-busy", on ? "true" : "false");
    progressBox.hidden = !on;
  }

  function fieldProblem(message) {
    sanshe.show(errorBox, { detail: "", errors: [{ field: "file", message }] }, form);
  }

  function cell(text) {
    const td = document.createElement("td");
    td.textContent = text;
    return td;
  }

  function showRowErrors(body) {
    errorBox.hidden = false;
    errorBox.textContent = body.detail;
    for (const e of body.errors || []) {
      const tr = document.createElement("tr");
      tr.setAttribute("data-testid", "row-error");
      const where = e.row == null ? (zh ? "整个文件" : "File") : e.row === 1 ? (zh ? "第1行（表头）" : "Row 1 (header)")
        : (zh ? `第${e.row}行` : `Row ${e.row}`);
      tr.append(cell(where), cell(e.column || (zh ? "—" : "—")), cell(e.value || (zh ? "（空）" : "(empty)")), cell(e.message));
      errorRows.append(tr);
    }
    const listed = (body.errors || []).length;
    errorCount.textContent = zh
      ? `下表列出 ${listed} 处（最多列出前 ${page.listed} 处）。请在表格中改好这些单元格，保存后重新选择文件检查。`
      : `${listed} listed below (at most the first ${page.listed}). Fix these cells, save, and choose the file again.`;
    errorsCard.hidden = false;
    errorsCard.scrollIntoView({ block: "start" });
  }

  function showSummary(result) {
    summary.replaceChildren();
    const p = document.createElement("p");
    p.className = "ok";
    p.setAttribute("role", "status");
    if (result.dry_run) {
      p.setAttribute("data-testid", "dry-run-ok");
      p.textContent = zh
        ? `检查通过：共 ${result.rows} 行全部无误，将新增 ${result.created} 人、更新 ${result.updated} 人。尚未写入，请确认导入。`
        : `Check passed: all ${result.rows} rows are valid; ${result.created} new, ${result.updated} updated. Nothing written yet: confirm the import.`;
    } else {
      p.setAttribute("data-testid", "import-done");
      p.textContent = zh
        ? `已导入 ${result.rows} 行：新增 ${result.created} 人，更新 ${result.updated} 人。`
        : `Imported ${result.rows} rows: ${result.created} new, ${result.updated} updated.`;
    }
    summary.append(p);
    if (result.ignored_columns && result.ignored_columns.length) {
      const note = document.createElement("p");
      note.className = "muted";
      note.setAttribute("data-testid", "ignored-columns");
      note.textContent = (zh ? "以下列不在模板中，已忽略：" : "Columns not in the template (ignored): ") + result.ignored_columns.join(zh ? "、" : ", ");
      summary.append(note);
    }
    if (!result.dry_run) {
      const link = document.createElement("a");
      link.href = page.roster;
      link.setAttribute("data-testid", "to-roster");
      link.textContent = zh ? "查看花名册 →" : "Open the roster →";
      summary.append(link);
    }
    summary.hidden = false;
    confirm.hidden = !result.dry_run;
    if (result.dry_run) confirm.focus();
  }

  function send(dryRun) {
    const file = input.files[0];
    reset();
    if (!file) { fieldProblem(zh ? "请先选择花名册文件" : "Choose the roster file first"); return; }
    if (file.size > page.max_bytes) {
      fieldProblem(zh ? `文件 ${megabytes(file.size)}，超过上限 ${megabytes(page.max_bytes)}：请分成几个文件导入`
        : `The file is ${megabytes(file.size)}, over the ${megabytes(page.max_bytes)} limit: split it into several files`);
      return;
    }
    const body = new FormData();
    body.append("file", file, file.name);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", dryRun ? `${page.import}?dry_run=true` : page.import);
    for (const [name, value] of Object.entries(page.headers)) xhr.setRequestHeader(name, value);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.addEventListener("progress", (event) => {
      if (!event.lengthComputable) return;
      const percent = Math.round((event.loaded / event.total) * 100);
      bar.value = percent;
      progressText.textContent = zh ? `正在上传 ${percent}%（${megabytes(event.loaded)} / ${megabytes(event.total)}）`
        : `Uploading ${percent}% (${megabytes(event.loaded)} of ${megabytes(event.total)})`;
    });
    xhr.upload.addEventListener("load", () => {
      bar.removeAttribute("value"); // indeterminate while the server reads and checks every row
      progressText.textContent = dryRun ? (zh ? "已上传，正在逐行检查…" : "Uploaded; checking every row…")
        : (zh ? "已上传，正在导入…" : "Uploaded; importing…");
    });
    xhr.addEventListener("load", () => {
      busy(false);
      let answer = {};
      try { answer = JSON.parse(xhr.responseText); } catch { answer = { detail: xhr.statusText || String(xhr.status) }; }
      if (xhr.status === 200) { showSummary(answer); return; }
      if (answer.code === "import_invalid") { showRowErrors(answer); return; }
      sanshe.show(errorBox, answer, form);
    });
    xhr.addEventListener("error", () => {
      busy(false);
      sanshe.show(errorBox, { detail: zh ? "网络中断，文件未导入，请重试" : "The connection failed; nothing was imported. Try again." }, form);
    });
    bar.value = 0;
    progressText.textContent = zh ? "正在上传…" : "Uploading…";
    busy(true);
    xhr.send(body);
  }

  form.addEventListener("submit", (event) => { event.preventDefault(); send(true); });
  confirm.addEventListener("click", () => send(false));
  input.addEventListener("change", reset);
})();
