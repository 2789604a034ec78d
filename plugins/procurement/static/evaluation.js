// A project's outcome evaluation (procurement/_outcome.html, on the project page and the
// evaluator's page): every form with data-evaluation sends JSON to <project API>/<data-evaluation>
// with its data-method (POST by default). A score form (data-scores) sends
// {scores: [{indicator, score, note}]} from its fieldsets (data-indicator); other forms send their
// named fields. Success reloads the page; field errors sit next to their field, and errors about
// the scores (named by indicator in the message) join the summary.
(() => {
  const page = sanshe.data();
  const scoresOf = (form) => [...form.querySelectorAll("[data-indicator]")].map((box) => {
    const text = box.querySelector("input").value.trim();
    return {indicator: box.dataset.indicator, score: text === "" || Number.isNaN(Number(text)) ? null : Number(text),
      note: box.querySelector("textarea").value};
  });
  const fieldsOf = (form) => Object.fromEntries([...form.querySelectorAll("[name]")].map((c) => [c.name, c.value]));
  const show = (form, problem) => {
    const errors = problem.errors || [];
    const here = (e) => e.field && form.querySelector(`[name="${CSS.escape(e.field)}"]`);
    const loose = errors.filter((e) => !here(e)).map((e) => e.message);
    sanshe.show(form.querySelector(".error"), {detail: [problem.detail, ...loose].filter(Boolean).join("；"),
      errors: errors.filter(here)}, form);
  };

  document.querySelectorAll("form[data-evaluation]").forEach((form) => {
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const button = form.querySelector("button[type=submit]");
      button.disabled = true;
      const body = form.hasAttribute("data-scores") ? {scores: scoresOf(form)} : fieldsOf(form);
      const r = await fetch(`${page.api}/${form.dataset.evaluation}`, {method: form.dataset.method || "POST",
        headers: {"Content-Type": "application/json", ...page.headers}, body: JSON.stringify(body)});
      if (r.ok) { location.reload(); return; }
      show(form, await r.json());
      button.disabled = false;
    });
  });
})();
