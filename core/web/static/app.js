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
};

// Module switches on the district home: PUT with the session's CSRF token, then reload.
document.querySelectorAll("button.toggle").forEach((button) => {
  button.addEventListener("click", async () => {
    const enabled = button.dataset.enabled !== "true";
    const response = await fetch(`/api/districts/${button.dataset.district}/modules/${button.dataset.module}`, {
      method: "PUT",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": button.dataset.csrf },
      body: JSON.stringify({ enabled }),
    });
    if (response.ok) { location.reload(); return; }
    const problem = await response.json().catch(() => ({}));
    alert(problem.detail || response.statusText);
  });
});
