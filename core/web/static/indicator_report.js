// The dashboard's 季度报送 form (indicators.html): after an in-page confirmation (a submission
// fixes the quarter's figures for the city), POST submits the chosen closed quarter's figures (a
// resubmission needs the reason); the save, its errors and the reload are sanshe.sendForm's.
(() => {
  const form = document.getElementById("report-form");
  if (!form) return;
  const data = sanshe.data();
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = {};
    form.querySelectorAll("[name]").forEach((control) => { body[control.name] = control.value.trim(); });
    const sure = await sanshe.ask({ message: data.confirm.replace("{quarter}", body.quarter), ok: data.confirm_ok });
    if (!sure) return;
    await sanshe.sendForm(form, "report", body);
  });
})();
