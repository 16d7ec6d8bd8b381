// Shared behaviour for every page. Served as a file: the Content-Security-Policy forbids inline scripts.
(function () {
  "use strict";
  // Bootstrap tooltips wherever a page asks for one.
  document.querySelectorAll('[data-bs-toggle="tooltip"]').forEach(function (el) {
    new bootstrap.Tooltip(el);
  });
  // Re-initialise after HTMX swaps in new content.
  document.body.addEventListener("htmx:afterSwap", function (event) {
    event.target.querySelectorAll('[data-bs-toggle="tooltip"]').forEach(function (el) {
      new bootstrap.Tooltip(el);
    });
  });
})();
