// The compare bar says how many parks are ticked, and screen readers hear it change (aria-live).
(function () {
  "use strict";
  document.querySelectorAll(".compare-form").forEach(function (form) {
    const count = form.querySelector(".compare-count");
    if (!count) return;
    function update() {
      const ticked = form.querySelectorAll("input[type=checkbox][name=park]:checked").length;
      const template = ticked === 1 ? count.dataset.one : count.dataset.other;
      count.textContent = template.replace("{n}", String(ticked));
    }
    form.addEventListener("change", update);
    update();
  });
})();
