// Activities list (participation/activities.html): a resident signs up or cancels in place.
(() => {
  const page = sanshe.data();
  const headers = {"Content-Type": "application/json", ...page.headers};
  const box = document.getElementById("act-message");
  document.querySelectorAll("button[data-act]").forEach((b) => b.addEventListener("click", async () => {
    const cancel = b.dataset.act === "cancel";
    if (cancel && !(await sanshe.ask({message: page.confirm_cancel, danger: true}))) return;
    b.disabled = true;
    const r = await fetch(`${page.api}/${b.dataset.id}/signups${cancel ? "/cancel" : ""}`,
                          {method: "POST", headers, body: "{}"});
    const body = await r.json();
    if (!r.ok) { b.disabled = false; sanshe.show(box, body); return; }
    if (body.state === "waiting") await sanshe.ask({message: page.waiting.replace("%s", body.position)});
    location.reload();
  }));
})();
