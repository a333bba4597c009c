// The cost estimate follows the investor's typing: the page is fetched again with the new figures
// and its results and field messages are swapped in, so the arithmetic stays in one place, on the
// server. Without JavaScript the form's button gives the same page.
(function () {
  "use strict";
  const form = document.querySelector("[data-cost-form]");
  const results = document.getElementById("cost-results");
  if (!form || !results || !window.fetch || !window.DOMParser) return;
  let timer = null;
  let latest = 0;

  function address() {
    const query = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      if (String(value).trim() !== "") query.append(name, value);
    });
    const base = form.action.split("#")[0].split("?")[0];
    return query.toString() ? base + "?" + query.toString() : base;
  }

  function copyFieldState(wrapper, fresh) {
    const next = fresh.querySelector('[data-cost-field="' + wrapper.dataset.costField + '"] .field');
    const field = wrapper.querySelector(".field");
    if (!next || !field) return;
    field.className = next.className;
    const shown = field.querySelector(".field-error");
    if (shown) shown.remove();
    const error = next.querySelector(".field-error");
    if (error) field.appendChild(document.importNode(error, true));
    const input = field.querySelector("input");
    const nextInput = next.querySelector("input");
    ["aria-invalid", "aria-describedby"].forEach(function (name) {
      if (nextInput && nextInput.hasAttribute(name)) input.setAttribute(name, nextInput.getAttribute(name));
      else input.removeAttribute(name);
    });
  }

  function update() {
    const url = address();
    const ticket = ++latest;
    fetch(url, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) {
        if (ticket !== latest) return;  // a later keystroke has asked again
        const fresh = new DOMParser().parseFromString(html, "text/html");
        const freshResults = fresh.getElementById("cost-results");
        if (!freshResults) return;
        form.querySelectorAll("[data-cost-field]").forEach(function (wrapper) { copyFieldState(wrapper, fresh); });
        results.innerHTML = freshResults.innerHTML;
        results.dataset.updated = url;
        history.replaceState(null, "", url + "#cost");
      })
      .catch(function () { /* the button still works */ });
  }

  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(update, 350);
  });
})();
