// The filter box above a long grouped list of checkboxes (the site-visit form): typing narrows the
// list to the names containing what was typed, ignoring case and accents; ticked ones always stay.
// Without JavaScript the box stays hidden and every group is shown.
(function () {
  "use strict";
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  }
  document.querySelectorAll("[data-choice-filter]").forEach(function (group) {
    const box = group.querySelector(".choice-filter");
    const input = group.querySelector("[data-choice-filter-input]");
    const status = group.querySelector("[data-choice-filter-status]");
    if (!box || !input) return;
    box.hidden = false;
    function apply() {
      const wanted = fold(input.value.trim());
      let shown = 0;
      group.querySelectorAll(".choice-group").forEach(function (set) {
        let visible = 0;
        set.querySelectorAll("li").forEach(function (item) {
          const checkbox = item.querySelector("input");
          const match = !wanted || (checkbox && checkbox.checked) || fold(item.textContent).indexOf(wanted) !== -1 ||
            fold(set.querySelector("legend").textContent).indexOf(wanted) !== -1;
          item.hidden = !match;
          if (match) visible += 1;
        });
        set.hidden = visible === 0;
        shown += visible;
      });
      if (status) status.textContent = wanted ? status.dataset.template.replace("{n}", String(shown)) : "";
    }
    input.addEventListener("input", apply);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") event.preventDefault(); // typing a filter never sends the form
    });
  });
})();
