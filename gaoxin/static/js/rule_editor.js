// The rule editor: show only the fields a criterion's choices need, and add criteria and test cases from the
// formsets' empty forms. The server validates everything; this only keeps the form short and readable.
(function () {
  const editor = document.getElementById("rule-editor");
  if (!editor) return;

  function refresh(card) {
    const get = (name) => {
      const field = card.querySelector(`[name$="-${name}"]`);
      return field ? field.value : "";
    };
    const kind = get("kind");
    const measure = get("measure");
    const period = get("period");
    const op = get("op");
    card.querySelectorAll("[data-show]").forEach((cell) => {
      const want = cell.dataset.show;
      let visible = false;
      if (want === "value") visible = kind === "value" && !(measure === "growth" && cell.querySelector('[name$="-period"]'));
      else if (want === "ratio") visible = kind === "value" && measure === "ratio";
      else if (want === "years") visible = kind === "value" && measure !== "growth" && period !== "latest";
      else if (want === "between") visible = kind === "value" && op === "between";
      else visible = kind === want;
      cell.hidden = !visible;
    });
  }

  function wire(card) {
    card.querySelectorAll("select").forEach((select) => select.addEventListener("change", () => refresh(card)));
    refresh(card);
  }

  editor.querySelectorAll(".criterion-form").forEach(wire);

  editor.querySelectorAll("[data-add]").forEach((button) => {
    button.addEventListener("click", () => {
      const which = button.dataset.add;
      const prefix = which === "criteria" ? "c" : "t";
      const total = editor.querySelector(`#id_${prefix}-TOTAL_FORMS`);
      const index = Number(total.value);
      const template = document.getElementById(which === "criteria" ? "criterion-template" : "case-template");
      const holder = document.createElement("div");
      holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index));
      const card = holder.firstElementChild;
      document.getElementById(`${which}-forms`).appendChild(card);
      total.value = String(index + 1);
      if (which === "criteria") wire(card);
    });
  });
})();
