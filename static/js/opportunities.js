// Opportunity pages: confirmations, auto-submitting selects, the assessment counter and the
// score-history chart. A file, not inline: the Content-Security-Policy forbids inline scripts.
(function () {
  "use strict";

  // <form data-confirm="Remove this line?">: ask before sending.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  // <select data-autosubmit>: choosing is enough.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });

  // The assessment form: how many "yes" so far.
  var assessment = document.querySelector("[data-testid=assessment-form]");
  if (assessment) {
    var counter = assessment.querySelector("[data-assessment-count]");
    var count = function () {
      counter.textContent = assessment.querySelectorAll("input[type=radio][value=yes]:checked").length;
    };
    assessment.addEventListener("change", count);
    count();
  }

  // The score history as a line, with the high-value threshold.
  document.querySelectorAll("[data-score-chart]").forEach(function (element) {
    if (typeof echarts === "undefined") { return; }
    var labels = (element.getAttribute("data-labels") || "").split(",");
    var scores = (element.getAttribute("data-scores") || "").split(",").map(Number);
    var threshold = Number(element.getAttribute("data-threshold") || 10);
    var chart = echarts.init(element);
    chart.setOption({
      grid: { left: 30, right: 12, top: 16, bottom: 24 },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: labels, axisLabel: { fontSize: 10 } },
      yAxis: { type: "value", min: 0, max: 20, interval: 5 },
      series: [{
        name: element.getAttribute("data-series-name") || "",
        type: "line", data: scores, symbolSize: 6, itemStyle: { color: "#1f5fbf" },
        markLine: {
          silent: true, symbol: "none", lineStyle: { color: "#fd7e14", type: "dashed" },
          label: { formatter: (element.getAttribute("data-threshold-name") || "") + " " + threshold, fontSize: 10 },
          data: [{ yAxis: threshold }]
        }
      }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
