// One procurement project (procurement/project.html): the stage moves. Cancelling or marking a
// project unsuccessful asks for the reason in the in-page dialog (sanshe.ask).
(() => {
  const page = sanshe.data();
  document.querySelectorAll("button.move").forEach((button) => {
    button.addEventListener("click", async () => {
      let reason = "";
      if (button.dataset.ask) {
        reason = await sanshe.ask({message: button.dataset.ask, input: true, danger: true});
        if (!reason) return;
      }
      button.disabled = true;
      const r = await fetch(`${page.api}/moves`, {method: "POST",
        headers: {"Content-Type": "application/json", ...page.headers},
        body: JSON.stringify({to: button.dataset.to, reason})});
      if (r.ok) { location.reload(); return; }
      button.disabled = false;
      sanshe.notice(sanshe.problem(await r.json()));
    });
  });
})();
