// Account security page: save the recovery codes, shown once, as a text file.
// (Printing uses app.js's [data-print]; the CSP allows no inline script, hence this file.)
const list = document.getElementById("recovery-codes");
const download = document.getElementById("download-codes");
if (list && download) {
  download.addEventListener("click", () => {
    const codes = [...list.querySelectorAll("code")].map((code) => code.textContent.trim());
    const text = [
      `三社联动信息系统 两步验证恢复码 / Sanshe recovery codes — ${list.dataset.username}`,
      "每个恢复码只能使用一次 / Each code works once.",
      "",
      ...codes,
      "",
    ].join("\r\n");
    const link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([text], { type: "text/plain;charset=utf-8" }));
    link.download = `sanshe-recovery-codes-${list.dataset.username}.txt`;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  });
}
