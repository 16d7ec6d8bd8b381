// Sales force planning pages. Served as a file: the Content-Security-Policy forbids inline scripts.
// The area layout loads it on every sales page; each part below finds its own hooks and does nothing
// on a page without them.

// --- Charts (ECharts, loaded first by _chart_scripts.html on the pages that have charts) ------------
// Each chart is an element with data-chart="<kind>" and data-source="<id of a json_script element>"
// holding its data.
(function () {
  "use strict";
  if (typeof echarts === "undefined") { return; }
  var styles = getComputedStyle(document.documentElement);
  var accent = (styles.getPropertyValue("--app-accent") || "#1f5fbf").trim();
  var palette = [accent, "#198754", "#dc8a35", "#6f42c1"];

  function money(value) {
    if (value === null || value === undefined) { return "—"; }
    return Number(value).toLocaleString(undefined, { maximumFractionDigits: 0 });
  }

  function bars(el, data) {
    var labels = data.names || {};
    var series = [
      { name: labels.quota || "Quota", type: "bar", data: data.quota, itemStyle: { color: "#adb5bd" } },
      { name: labels.won || "Won", type: "bar", data: data.won, itemStyle: { color: palette[0] } }
    ];
    if (data.forecast && data.forecast.some(function (v) { return v !== null; })) {
      series.push({ name: labels.forecast || "Forecast", type: "bar", data: data.forecast, itemStyle: { color: palette[2] } });
    }
    return {
      tooltip: { trigger: "axis", valueFormatter: money },
      legend: { top: 0 },
      grid: { left: 8, right: 16, bottom: 8, top: 32, containLabel: true },
      xAxis: { type: "category", data: data.labels, axisLabel: { interval: 0, rotate: data.labels.length > 6 ? 30 : 0 } },
      yAxis: { type: "value", axisLabel: { formatter: money } },
      series: series
    };
  }

  function gauge(el, data) {
    var value = data.gauge ? data.gauge.value : null;
    return {
      series: [{
        type: "gauge", min: 0, max: 150, splitNumber: 6, radius: "95%",
        progress: { show: true, width: 14, itemStyle: { color: value !== null && value >= 100 ? palette[1] : palette[0] } },
        axisLine: { lineStyle: { width: 14 } },
        axisTick: { show: false }, splitLine: { length: 8 },
        axisLabel: { distance: 18, formatter: "{value}%" },
        pointer: { width: 4 },
        detail: { valueAnimation: false, formatter: value === null ? "—" : "{value}%", fontSize: 20, offsetCenter: [0, "78%"] },
        data: [{ value: value === null ? 0 : value }]
      }]
    };
  }

  function costVsPlan(el, data) {
    var labels = data.names || {};
    return {
      tooltip: { trigger: "axis", valueFormatter: money },
      legend: { top: 0 },
      grid: { left: 8, right: 16, bottom: 8, top: 32, containLabel: true },
      xAxis: { type: "category", data: data.plans, axisLabel: { interval: 0, rotate: data.plans.length > 4 ? 20 : 0 } },
      yAxis: { type: "value", axisLabel: { formatter: money } },
      series: [
        { name: labels.expected || "Expected", type: "bar", data: data.expected, itemStyle: { color: "#adb5bd" } },
        { name: labels.calculated || "Calculated", type: "bar", data: data.calculated, itemStyle: { color: palette[0] } }
      ]
    };
  }

  function histogram(el, data) {
    var labels = data.names || {};
    return {
      tooltip: { trigger: "axis" },
      grid: { left: 8, right: 16, bottom: 8, top: 16, containLabel: true },
      xAxis: { type: "category", data: data.histogram.labels, axisLabel: { rotate: 30 } },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ name: labels.people || "", type: "bar", barCategoryGap: "4%", data: data.histogram.counts, itemStyle: { color: palette[0] } }]
    };
  }

  var builders = { bars: bars, gauge: gauge, "cost-vs-plan": costVsPlan, histogram: histogram };
  var charts = [];
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var source = document.getElementById(el.dataset.source);
    var build = builders[el.dataset.chart];
    if (!source || !build) { return; }
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption(build(el, JSON.parse(source.textContent)));
    charts.push(chart);
  });
  window.addEventListener("resize", function () { charts.forEach(function (chart) { chart.resize(); }); });
})();

// --- Re-deployment form: only the fields of the chosen mode (a person's customers, or the named -----
// accounts of a territory), on the form marked data-testid="redeploy-form" via data-redeploy-mode.
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
