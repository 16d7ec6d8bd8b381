// Customer pages. Served as a file: the Content-Security-Policy forbids inline scripts.
(function () {
  "use strict";
  // Filter forms marked data-autosubmit apply a select or checkbox as soon as it changes.
  document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
    form.addEventListener("change", function (event) {
      var target = event.target;
      if (target.tagName === "SELECT" || target.type === "checkbox") {
        if (target.name !== "page") {
          var page = form.querySelector("input[name=page]");
          if (page) { page.remove(); }
        }
        form.requestSubmit ? form.requestSubmit() : form.submit();
      }
    });
  });
  // A header checkbox with data-select-all="name" ticks every checkbox of that name.
  document.querySelectorAll("input[data-select-all]").forEach(function (master) {
    var name = master.getAttribute("data-select-all");
    var form = master.closest("form") || document;
    master.addEventListener("change", function () {
      form.querySelectorAll('input[type=checkbox][name="' + name + '"]').forEach(function (box) {
        box.checked = master.checked;
      });
    });
  });
})();

// Forms marked data-confirm (the review queue's bulk create) ask before they go.
document.querySelectorAll("form[data-confirm]").forEach(function (form) {
  form.addEventListener("submit", function (event) {
    if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
  });
});
