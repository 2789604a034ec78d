// The announce form (participation/activity_new.html): posts the activity, then opens its page.
(() => {
  const page = sanshe.data();
  const form = document.getElementById("announce");
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const body = {};
    for (const [name, value] of new FormData(form)) {
      if (value === "" && name !== "description") continue;
      body[name] = ["capacity", "organization_id"].includes(name) ? Number(value)
        : name === "volunteer_hours" ? parseFloat(value)
        : /^\d{4}-\d\d-\d\dT\d\d:\d\d$/.test(value) ? `${value}:00` : value;  // datetime-local without seconds
    }
    const r = await fetch(page.api, {method: "POST", headers: {"Content-Type": "application/json", ...page.headers},
                                     body: JSON.stringify(body)});
    const answer = await r.json();
    if (!r.ok) { sanshe.show(document.getElementById("announce-message"), answer, form); return; }
    location.href = page.page + answer.id;
  });
})();
