// Organisation assessment (supervision/assessment.html): activate an indicator system, score an
// organisation and show its grade, marking the inputs the API rejected.
(() => {
  const page = sanshe.data();
  const zh = page.zh;
  const api = page.api;
  const headers = {"Content-Type": "application/json", ...page.headers};

  document.querySelectorAll("button[data-activate]").forEach((b) => b.addEventListener("click", async () => {
    const r = await fetch(`${api}/schemes/${b.dataset.activate}/activate`, {method: "POST", headers});
    if (r.ok) location.reload(); else sanshe.notice(sanshe.problem(await r.json()));
  }));

  const form = document.getElementById("score-form");
  if (!form) return;
  const errors = document.getElementById("score-errors");
  const result = document.getElementById("score-result");
  document.querySelectorAll("button[data-pick]").forEach((b) => b.addEventListener("click", () => {
    form.elements.organization_id.value = b.dataset.pick;
    document.getElementById("score").scrollIntoView({behavior: "smooth"});
  }));

  const showErrors = (body) => {
    form.querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
    for (const e of body.errors || []) {
      const id = e.field.startsWith("scores.") ? e.field.slice(7) : null;
      const input = id ? form.querySelector(`[data-indicator="${id}"]`) : form.elements[e.field];
      if (input) input.setAttribute("aria-invalid", "true");
    }
    errors.hidden = false;
    errors.textContent = [body.detail, ...(body.errors || []).map((e) => e.message)].join("；");
  };

  const showResult = (a) => {
    const grade = a.grade || (zh ? "未达等级" : "no grade");
    result.hidden = false;
    result.textContent = "";
    const strong = document.createElement("strong");
    strong.textContent = grade;
    const until = a.valid_until ? (zh ? `，有效期至 ${a.valid_until}` : `, valid until ${a.valid_until}`) : "";
    result.append(zh ? `${a.organization_name}：总分 ${a.total} / ${a.scale} 分，评估等级 ` :
                       `${a.organization_name}: ${a.total} of ${a.scale} points, grade `, strong, until);
    const row = document.querySelector(`tr[data-org="${a.organization_id}"]`);
    if (row) {
      row.querySelector(".grade").textContent = a.grade || "—";
      row.querySelector(".valid").textContent = a.valid_until || "";
      row.querySelector(".assessed").textContent = a.assessed_on;
      row.querySelector(".total").textContent = a.total;
    }
  };

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    errors.hidden = true;
    const scores = {};
    form.querySelectorAll("[data-indicator]").forEach((input) => {
      if (input.value !== "") scores[input.dataset.indicator] = Number(input.value);
    });
    const body = {organization_id: Number(form.elements.organization_id.value), scheme_id: page.scheme,
      assessed_on: form.elements.assessed_on.value || null, scores, note: form.elements.note.value};
    const r = await fetch(`${api}/assessments`, {method: "POST", headers, body: JSON.stringify(body)});
    const answer = await r.json();
    if (r.ok) { form.querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid")); showResult(answer); }
    else showErrors(answer);
  });
})();
