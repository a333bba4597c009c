// Copy buttons for referrers' personal links; without JavaScript the link stays selectable text.
(function () {
  "use strict";
  const status = document.getElementById("copy-status");
  document.querySelectorAll(".copy-button").forEach(function (button) {
    if (!navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", async function () {
      const source = document.getElementById(button.dataset.copy);
      await navigator.clipboard.writeText(source.textContent.trim());
      if (status) status.textContent = status.dataset.copied;
    });
  });
})();
