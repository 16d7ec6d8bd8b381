// Tender pages: confirmations before posting, and the bid comparison charts (ECharts).
// Served as a file: the Content-Security-Policy forbids inline scripts.
(function () {
  "use strict";

  // Forms marked data-confirm ask before they go.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });

  function readData(el) {
    var source = document.getElementById(el.getAttribute("data-source"));
    if (!source) { return null; }
    try { return JSON.parse(source.textContent); } catch (e) { return null; }
  }

  function numbers(list) { return (list || []).map(function (v) { return Number(v); }); }

  function compact(v) { return window.CRM.compactNumber(v, 0); }

  var COLORS = { target: "#9aa5b1", ours: "#1f5fbf", competitor: "#e69138", agent: "#6f42c1" };

  function draw(el) {
    if (typeof echarts === "undefined") { return; }
    var data = readData(el);
    if (!data) { return; }
    var option;
    if (el.getAttribute("data-chart") === "totals") {
      var totals = data.totals;
      if (!totals || totals.labels.length === 0) { return; }
      option = {
        grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        xAxis: { type: "category", data: totals.labels,
                 axisLabel: { interval: 0, width: 84, overflow: "truncate", rotate: totals.labels.length > 5 ? 25 : 0 } },
        yAxis: { type: "value", axisLabel: { formatter: compact } },
        series: [{
          name: el.getAttribute("data-label-amount"), type: "bar", barMaxWidth: 48,
          data: numbers(totals.amounts).map(function (value, i) {
            return { value: value, itemStyle: { color: COLORS[totals.kinds[i]] || "#1f5fbf" } };
          }),
          label: { show: true, position: "top", formatter: function (p) { return compact(p.value); } }
        }]
      };
    } else {
      var lines = data.lines;
      if (!lines || lines.labels.length === 0) { return; }
      option = {
        grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
        legend: { top: 0 },
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        xAxis: { type: "category", data: lines.labels,
                 axisLabel: { interval: 0, width: 96, overflow: "truncate", rotate: lines.labels.length > 4 ? 25 : 0 } },
        yAxis: { type: "value", axisLabel: { formatter: compact } },
        series: [
          { name: el.getAttribute("data-label-target"), type: "bar", data: numbers(lines.target), itemStyle: { color: COLORS.target } },
          { name: el.getAttribute("data-label-quote"), type: "bar", data: numbers(lines.quote), itemStyle: { color: COLORS.ours } }
        ]
      };
    }
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption(option);
    el.setAttribute("data-drawn", "true");
    window.addEventListener("resize", function () { chart.resize(); });
  }

  document.querySelectorAll(".bid-chart").forEach(draw);
})();
