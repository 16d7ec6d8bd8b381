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

  function drawTrend(el, data) {
    if (!data.dates || data.dates.length === 0) { return null; }
    var key = data.measure === "amount" ? "amount" : "count";
    var series = data.series.map(function (s, i) {
      return {
        name: s.name, type: "line", data: s[key], connectNulls: false, showSymbol: false,
        lineStyle: { width: 1.5 }, itemStyle: { color: PALETTE[i % PALETTE.length] }
      };
    });
    if (series.length > 0) {
      series[0].markLine = {
        silent: true, symbol: "none", label: { formatter: "{c}%", position: "insideEndTop" },
        lineStyle: { type: "dashed" },
        data: [
          { yAxis: Number(data.good), lineStyle: { color: COLOURS.warning } },
          { yAxis: Number(data.excellent), lineStyle: { color: COLOURS.excellent } }
        ]
      };
    }
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
      legend: { top: 0, type: "scroll" },
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null || v === undefined ? "—" : v + "%"; } },
      xAxis: { type: "category", data: data.dates, boundaryGap: false },
      // Ratios far above the top band say little more: the axis stops at 300% (the tooltip has the value).
      yAxis: { type: "value", min: 0, max: function (v) { return Math.max(150, Math.min(300, Math.ceil(v.max / 50) * 50)); },
               axisLabel: { formatter: "{value}%" } },
      series: series
    });
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
