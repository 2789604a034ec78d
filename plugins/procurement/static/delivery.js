// A project's delivery (procurement/_delivery.html, on the project page and the supplier's
// delivery page): every form with data-post sends its fields as JSON to <project API>/<data-post>
// (data-kind money: yuan typed, fen sent by string arithmetic; int; date; name "out:<indicator>"
// goes into the object named by data-outputs); data-upload forms send their file as multipart;
// accept and send-back buttons (the reason asked in the in-page dialog). Success reloads the page.
(() => {
  const page = sanshe.data();
  const zh = document.documentElement.lang !== "en";
  const badMoney = page.bad_money || (zh ? "请填写金额（元），最多两位小数" : "Enter an amount in yuan, at most two decimals");
  const toFen = (text) => {
    const m = /^(\d{1,12})(?:\.(\d{0,2}))?$/.exec((text || "").trim().replace(/[,，]/g, ""));
    return m ? Number(m[1]) * 100 + Number(((m[2] || "") + "00").slice(0, 2)) : null;
  };
  const read = (control) => {
    const text = control.value.trim();
    switch (control.dataset.kind) {
      case "money": return toFen(text);
      case "int": return text === "" ? null : (/^\d+$/.test(text) ? Number(text) : -1);
      case "date": return text || null;
      default: return control.value;
    }
  };
  const body = (form) => {
    const out = {};
    for (const control of form.querySelectorAll("[name]")) {
      if (control.dataset.outputs) {
        out[control.dataset.outputs] = out[control.dataset.outputs] || {};
        const text = control.value.trim();
        if (text !== "") out[control.dataset.outputs][control.name.slice(4)] = Number(text);
        continue;
      }
      out[control.name] = read(control);
    }
    return out;
  };
  const answer = async (r, form) => {
    if (r.ok) { location.reload(); return; }
    const box = form && form.querySelector(".error");
    const problem = await r.json();
    if (box) sanshe.show(box, problem, form); else sanshe.notice(sanshe.problem(problem));
  };
  const post = (path, json) => fetch(`${page.api}/${path}`, {method: "POST",
    headers: {"Content-Type": "application/json", ...page.headers}, body: JSON.stringify(json)});

  document.querySelectorAll("form[data-post]").forEach((form) => {
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const money = [...form.querySelectorAll("[data-kind=money]")].find((c) => toFen(c.value) === null);
      if (money) {
        sanshe.show(form.querySelector(".error"), {detail: "", errors: [{field: money.name, message: badMoney}]}, form);
        return;
      }
      const button = form.querySelector("button[type=submit]");
      button.disabled = true;
      await answer(await post(form.dataset.post, body(form)), form);
      button.disabled = false;
    });
  });

  document.querySelectorAll("form[data-upload]").forEach((form) => {
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const button = form.querySelector("button[type=submit]");
      button.disabled = true;
      const r = await fetch(`${page.api}/${form.dataset.upload}`, {method: "POST", headers: page.headers,
        body: new FormData(form)});
      await answer(r, form);
      button.disabled = false;
    });
  });

  document.querySelectorAll("button[data-accept]").forEach((button) => {
    button.addEventListener("click", async () => {
      button.disabled = true;
      await answer(await post(`milestones/${button.dataset.accept}/accept`, {}), null);
      button.disabled = false;
    });
  });
  document.querySelectorAll("button[data-send-back]").forEach((button) => {
    button.addEventListener("click", async () => {
      const reason = await sanshe.ask({message: button.dataset.ask, input: true, danger: true});
      if (!reason) return;
      await answer(await post(`milestones/${button.dataset.sendBack}/send-back`, {reason}), null);
    });
  });
})();
