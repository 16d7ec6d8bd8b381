// Funnel page: the funnel chart coloured by health and the health trend per stage (ECharts).
// Served as a file: the Content-Security-Policy forbids inline scripts; data comes from json_script.
(function () {
  "use strict";

  var COLOURS = { excellent: "#198754", good: "#1f5fbf", warning: "#dc3545", no_baseline: "#adb5bd" };
  var PALETTE = ["#1f5fbf", "#6f42c1", "#20a4a4", "#e69138", "#d63384", "#198754", "#8a6d3b", "#5b6776"];

  function readData(el) {
    var source = document.getElementById(el.getAttribute("data-source"));
    if (!source) { return null; }
    try { return JSON.parse(source.textContent); } catch (e) { return null; }
  }

  function money(value) { return window.CRM.compactNumber(value, 1); }

  function drawFunnel(el, data) {
    if (!data.names || data.names.length === 0) { return null; }
    var values = data.values.map(Number);
    var max = Math.max.apply(null, values.concat([1]));
    var items = data.names.map(function (name, i) {
      var status = data.statuses[i];
      return {
        name: name, value: values[i], status: status, percent: data.percents[i],
        count: data.counts[i], amount: data.amounts[i],
        itemStyle: { color: COLOURS[status] || COLOURS.no_baseline }
      };
    });
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      tooltip: {
        trigger: "item",
        formatter: function (p) {
          var d = p.data;
          var ratio = d.percent === null ? "—" : d.percent + "%";
          return d.name + "<br>" + d.count + " · " + money(d.amount) + "<br>" +
            (data.status_labels[d.status] || d.status) + " (" + ratio + ")";
        }
      },
      series: [{
        type: "funnel", sort: "none", left: "4%", right: "4%", top: 8, bottom: 8,
        min: 0, max: max, minSize: "12%", maxSize: "100%", gap: 2,
        label: {
          show: true, position: "inside", color: "#fff", fontSize: 11,
          formatter: function (p) {
            return p.data.name.split(" ")[0] + "  " + (data.measure === "amount" ? money(p.data.value) : p.data.value);
          }
        },
        labelLine: { show: false },
        itemStyle: { borderColor: "#fff", borderWidth: 1 },
        data: items
      }]
    });
    return chart;
  }

  // One stage at a time (the page's stage selector): seven lines on one axis hid each other, and a ratio far
  // above the others flattened the rest. The bands are the health thresholds; the axis fits the stage's values.
  function trendOption(data, index) {
    var key = data.measure === "amount" ? "amount" : "count";
    var series = data.series[index] || { name: "", count: [], amount: [] };
    var values = series[key].filter(function (v) { return v !== null && v !== undefined; });
    var good = Number(data.good), excellent = Number(data.excellent);
    // The axis fits the stage's usual values (up to the 90th percentile) within five times the excellent
    // threshold, so that a spike does not flatten the bands; the tooltip gives every value.
    var sorted = values.slice().sort(function (a, b) { return a - b; });
    var usual = sorted.length ? sorted[Math.floor((sorted.length - 1) * 0.9)] : 0;
    var top = Math.min(excellent * 5, Math.max(excellent * 1.5, Math.ceil(usual * 1.2 / 50) * 50));
    var band = function (from, to, colour, label) {
      return [{ yAxis: from, itemStyle: { color: colour }, name: label }, { yAxis: to }];
    };
    return {
      grid: { left: 8, right: 40, top: 16, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null || v === undefined ? "—" : v + "%"; } },
      xAxis: { type: "category", data: data.dates, boundaryGap: false, axisLabel: { hideOverlap: true } },
      yAxis: { type: "value", min: 0, max: top, axisLabel: { formatter: "{value}%" } },
      graphic: values.length ? [] : [{ type: "text", left: "center", top: "middle",
                                       style: { text: data.no_baseline_label, fill: "#6c757d", fontSize: 13 } }],
      series: [{
        name: series.name, type: "line", data: series[key], connectNulls: false, showSymbol: values.length < 2,
        lineStyle: { width: 2 }, itemStyle: { color: PALETTE[0] },
        markArea: {
          silent: true, label: { position: "insideTopLeft", color: "#6c757d", fontSize: 11 },
          data: [
            band(0, good, "rgba(220, 53, 69, 0.08)", data.band_labels.warning),
            band(good, excellent, "rgba(31, 95, 191, 0.08)", data.band_labels.good),
            band(excellent, top, "rgba(25, 135, 84, 0.08)", data.band_labels.excellent)
          ]
        }
      }]
    };
  }

  function drawTrend(el, data) {
    if (!data.dates || data.dates.length === 0 || data.series.length === 0) { return null; }
    var key = data.measure === "amount" ? "amount" : "count";
    var select = document.getElementById(el.getAttribute("data-stage-select"));
    var first = data.series.findIndex(function (s) { return s[key].some(function (v) { return v !== null; }); });
    var index = first < 0 ? 0 : first;
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption(trendOption(data, index));
    if (select) {
      select.value = String(index);
      select.addEventListener("change", function () { chart.setOption(trendOption(data, Number(select.value)), true); });
    }
    return chart;
  }

  if (typeof echarts === "undefined") { return; }
  var charts = [];
  document.querySelectorAll(".fn-chart").forEach(function (el) {
    var data = readData(el);
    if (!data) { return; }
    var chart = el.getAttribute("data-chart") === "trend" ? drawTrend(el, data) : drawFunnel(el, data);
    if (chart) { charts.push(chart); el.setAttribute("data-rendered", "true"); }
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
