// The needs pages (participation/needs.html, need.html): posting a need, "我也需要" and triage.
(() => {
  const page = sanshe.data();
  const send = (url, body) => fetch(url, {method: "POST",
    headers: {"Content-Type": "application/json", ...page.headers}, body: JSON.stringify(body)});

  const form = document.getElementById("need-form");
  if (form) form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const d = new FormData(form);
    const r = await send(page.post, {community_code: d.get("community_code"), field: d.get("field"),
      title: d.get("title"), description: d.get("description") || ""});
    const out = await r.json();
    if (r.ok) { location.href = out.url; return; }
    sanshe.show(document.getElementById("need-errors"), out, form);
  });

  const support = document.getElementById("support");
  if (support) support.addEventListener("click", async () => {
    support.disabled = true;
    const r = await send(`${page.api}/supports`, {});
    const out = await r.json();
    const result = document.getElementById("support-result");
    if (r.ok) {
      document.getElementById("supporters-count").textContent = out.supporters;
      result.textContent = page.zh ? "已记录：您也需要" : "Recorded: you need this too";
    } else {
      result.textContent = sanshe.problem(out);
    }
  });

  const triage = document.getElementById("triage-form");
  if (triage) triage.addEventListener("submit", async (e) => {
    e.preventDefault();
    const d = new FormData(triage);
    const body = {state: d.get("state"), reason: d.get("reason") || "", expected_state: d.get("expected_state")};
    if (d.get("merged_into")) body.merged_into = Number(d.get("merged_into"));
    const r = await send(`${page.api}/triage`, body);
    const out = await r.json();
    if (r.ok) { location.reload(); return; }
    sanshe.show(document.getElementById("triage-errors"), out, triage);
  });
})();
