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

// Short numbers for chart axes and tooltips: Chinese readers count in 万 and 亿, English readers in
// thousands and millions (the page's <html lang> says which). Shared by the funnel, forecast and tender charts.
window.CRM = window.CRM || {};
window.CRM.compactNumber = function (value, digits) {
  // `digits`: decimals for 万 and thousands (default 1); 亿 and millions always show one.
  var v = Number(value);
  var a = Math.abs(v);
  var d = digits === undefined ? 1 : digits;
  if ((document.documentElement.lang || "").indexOf("en") === 0) {
    if (a >= 1000000) { return (v / 1000000).toFixed(1) + "M"; }
    if (a >= 1000) { return (v / 1000).toFixed(d) + "K"; }
    return v.toLocaleString();
  }
  if (a >= 100000000) { return (v / 100000000).toFixed(1) + "亿"; }
  if (a >= 10000) { return (v / 10000).toFixed(d) + "万"; }
  return v.toLocaleString();
};
