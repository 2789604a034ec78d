// The rewards page (participation/rewards.html) and staff's redemptions page (redemptions.html): a resident redeems a reward (clear messages for
// "not enough points" and "out of stock"); staff add rewards and change stock, cost or offer, mark a
// redemption collected, or cancel it after confirming (the points go back, the stock is restored).
(() => {
  const page = sanshe.data();
  const api = page.api;
  const headers = {"Content-Type": "application/json", ...page.headers};
  const errors = document.getElementById("errors");
  const notice = document.getElementById("notice");  // absent on the redemptions page
  const send = async (method, url, body, box) => {
    const r = await fetch(url, {method, headers, body: JSON.stringify(body)});
    if (r.ok) { location.reload(); return; }
    sanshe.show(box || errors, await r.json());
  };
  document.querySelectorAll("button.redeem").forEach((b) => b.addEventListener("click", async () => {
    errors.hidden = true;
    notice.hidden = true;
    b.disabled = true;
    const r = await fetch(`${api}/rewards/${b.dataset.id}/redemptions`, {method: "POST", headers});
    const out = await r.json();
    b.disabled = false;
    if (r.status === 201) {
      notice.textContent = page.done.replace("%s", out.reward) + out.balance;
      notice.hidden = false;
      document.getElementById("balance").textContent = out.balance;
      const stock = b.closest("article").querySelector('[data-testid="stock"]');
      stock.textContent = Math.max(0, Number(stock.textContent) - 1);
      return;
    }
    if (out.code === "insufficient_points" || out.code === "out_of_stock") {
      errors.textContent = page[out.code === "insufficient_points" ? "insufficient" : "out_of_stock"];
      errors.hidden = false;
      return;
    }
    sanshe.show(errors, out);
  }));
  document.querySelectorAll("form.edit-reward").forEach((f) => f.addEventListener("submit", (e) => {
    e.preventDefault();
    const d = new FormData(f);
    send("PATCH", `${api}/rewards/${f.dataset.id}`,
         {stock: Number(d.get("stock")), cost: Number(d.get("cost")), active: d.get("active") !== null});
  }));
  ["collect", "cancel"].forEach((action) => document.querySelectorAll(`button.${action}`).forEach((b) =>
    b.addEventListener("click", async () => {
      // cancelling refunds the points and restores the stock: asked first, in the page
      if (action === "cancel" && !(await sanshe.ask({message: page.confirm_cancel, danger: true}))) return;
      send("POST", `${api}/redemptions/${b.dataset.id}/${action}`, {});
    })));
  const form = document.getElementById("new-reward");
  if (form) form.addEventListener("submit", (e) => {
    e.preventDefault();
    const d = new FormData(form);
    send("POST", `${api}/rewards`, {name: d.get("name"), description: d.get("description"),
      cost: Number(d.get("cost")), stock: Number(d.get("stock"))}, document.getElementById("form-errors"));
  });
})();
