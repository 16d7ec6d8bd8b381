// The re-deployment form shows only the fields of the chosen mode (a person's customers, or the named
// accounts of a territory). Served as a file: the Content-Security-Policy forbids inline scripts.
(function () {
  "use strict";
  var form = document.querySelector('[data-testid="redeploy-form"]');
  if (!form) { return; }
  function show() {
    var checked = form.querySelector('input[name="mode"]:checked');
    var mode = checked ? checked.value : "person";
    form.querySelectorAll("[data-redeploy-mode]").forEach(function (el) {
      var on = el.getAttribute("data-redeploy-mode") === mode;
      el.classList.toggle("d-none", !on);
      el.hidden = !on;
      // Hidden fields are not sent: a stale choice of the other mode cannot travel with the form.
      el.querySelectorAll("select, input").forEach(function (input) { input.disabled = !on; });
    });
  }
  form.querySelectorAll('input[name="mode"]').forEach(function (radio) {
    radio.addEventListener("change", show);
  });
  show();
})();
