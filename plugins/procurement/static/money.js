// Money typed in yuan, sent in fen by string arithmetic (never through a float): "1,200.5" → 120050;
// null when it is not an amount with at most two decimals. Shared by the procurement forms.
window.procurementFen = (text) => {
  const m = /^\s*(\d{1,12})(?:\.(\d{1,2}))?\s*$/.exec((text || "").replace(/[,，]/g, ""));
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] || "").padEnd(2, "0"));
};
