// The site finder's form sends only the needs filled in, so the answer's address is short enough
// to share. Without JavaScript the form sends every field; the answer is the same.
(function () {
  "use strict";
  const form = document.querySelector("form.needs-form");
  if (!form || !window.URLSearchParams || !window.FormData) return;
  form.addEventListener("submit", function (event) {
    const query = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      if (String(value).trim() !== "") query.append(name, value);
    });
    event.preventDefault();
    window.location.assign(form.action + (query.toString() ? "?" + query.toString() : ""));
  });
})();
