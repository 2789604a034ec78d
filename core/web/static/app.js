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
