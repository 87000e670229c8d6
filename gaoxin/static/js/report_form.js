// The enterprise's reporting sheet: the 1-N月 cumulative next to each monthly figure and the month-on-month hint,
// recomputed as the user types. The server checks everything again; this only saves the user a round trip.
(function () {
  const form = document.getElementById("report-form");
  if (!form) return;
  const threshold = parseFloat(form.dataset.threshold || "0");
  const parse = (text) => {
    const cleaned = (text || "").replace(/[,，\s]/g, "").replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));
    if (cleaned === "" || isNaN(Number(cleaned))) return null;
    return Number(cleaned);
  };
  const show = (n) => (n === null ? "—" : String(Math.round(n * 10000) / 10000));
  form.querySelectorAll("tr.report-line").forEach((line) => {
    const input = line.querySelector("input");
    if (!input) return;
    const note = line.querySelector("textarea.note");
    const hint = line.querySelector(".jump-hint");
    const cell = line.querySelector(".cumulative");
    const previous = line.dataset.previous === "" ? null : Number(line.dataset.previous);
    const base = Number(line.dataset.base || "0");
    const stock = line.dataset.stock === "1";
    const update = () => {
      const value = parse(input.value);
      cell.textContent = show(value === null ? null : stock ? value : base + value);
      let jump = false;
      if (value !== null && previous) {
        const change = ((value - previous) / Math.abs(previous)) * 100;
        jump = Math.abs(change) > threshold;
        hint.textContent = jump ? (change > 0 ? form.dataset.up : form.dataset.down) + Math.abs(change).toFixed(1) + "%" + form.dataset.ask : "";
      }
      hint.hidden = !jump;
      if (jump) note.hidden = false;
    };
    input.addEventListener("input", update);
    update();
  });
})();
