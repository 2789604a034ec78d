// A bidder's tender page (procurement/tender.html): the bid form (price typed in yuan, sent in fen;
// the team from the checked workers), attaching documents to a submitted bid, withdrawing a bid. A refusal for eligibility lists each
// named reason in the summary.
(() => {
  const page = sanshe.data();
  const send = (url, body) => fetch(url, {method: "POST", headers: {"Content-Type": "application/json", ...page.headers},
    body: JSON.stringify(body)});
  const form = document.getElementById("bid-form");
  if (form) {
    const box = document.getElementById("bid-errors");
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const d = new FormData(form);
      const price = window.procurementFen(d.get("price_fen"));
      if (price === null) {
        sanshe.show(box, {detail: "", errors: [{field: "price_fen", message: page.bad_money}]}, form);
        return;
      }
      const r = await send(`${page.api}/bids`, {organization_id: Number(d.get("organization_id")), price_fen: price,
        team: d.getAll("worker").map(Number), plan: d.get("plan")});
      if (r.ok) { location.reload(); return; }
      sanshe.show(box, await r.json(), form);
    });
  }
  document.querySelectorAll("form[data-upload]").forEach((upload) => {
    upload.addEventListener("submit", async (e) => {
      e.preventDefault();
      const r = await fetch(`${page.api}/${upload.dataset.upload}`, {method: "POST", headers: page.headers,
        body: new FormData(upload)});
      if (r.ok) { location.reload(); return; }
      sanshe.show(upload.querySelector("[role=alert]"), await r.json(), upload);
    });
  });
  document.querySelectorAll("button.withdraw").forEach((button) => {
    button.addEventListener("click", async () => {
      const sure = await sanshe.ask({message: document.documentElement.lang === "en" ? "Withdraw this bid?" : "确定撤回该投标？",
        danger: true});
      if (!sure) return;
      const r = await send(`${page.api}/bids/${button.dataset.bid}/withdraw`, {});
      if (r.ok) { location.reload(); return; }
      sanshe.notice(sanshe.problem(await r.json()));
    });
  });
})();
