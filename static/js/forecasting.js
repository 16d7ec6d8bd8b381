// Forecast pages: period selector, confirmations before submitting, the team and division charts.
// Served as a file: the Content-Security-Policy forbids inline scripts.
(function () {
  "use strict";

  // Forms marked data-autosubmit reload the page when a select changes.
  document.querySelectorAll("form[data-autosubmit] select").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });

  // Forms marked data-confirm ask before they go; so does a button marked data-confirm (one of
  // several buttons of a form, like "submit" beside "save" on my forecast).
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
  document.querySelectorAll("button[data-confirm]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      if (!window.confirm(button.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });

  function readData(el) {
    var source = document.getElementById(el.getAttribute("data-source"));
    if (!source) { return null; }
    try { return JSON.parse(source.textContent); } catch (e) { return null; }
  }

  function numbers(list) { return (list || []).map(function (v) { return Number(v); }); }

  function draw(el) {
    if (typeof echarts === "undefined") { return; }
    var data = readData(el);
    if (!data) { return; }
    var categories, series;
    if (el.getAttribute("data-chart") === "team") {
      categories = data.names;
      series = [
        { name: el.getAttribute("data-label-figure"), type: "bar", data: numbers(data.figures), itemStyle: { color: "#1f5fbf" } },
        { name: el.getAttribute("data-label-pipeline"), type: "bar", data: numbers(data.pipeline), itemStyle: { color: "#9db4d8" } }
      ];
    } else {
      categories = data.products;
      series = [
        { name: el.getAttribute("data-label-own"), type: "bar", data: numbers(data.own), itemStyle: { color: "#1f5fbf" } },
        { name: el.getAttribute("data-label-channel"), type: "bar", data: numbers(data.channel), itemStyle: { color: "#e69138" } }
      ];
    }
    if (!categories || categories.length === 0) { el.classList.add("fc-chart-empty"); return; }
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      grid: { left: 8, right: 8, top: 32, bottom: 8, containLabel: true },
      legend: { top: 0 },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "category", data: categories, axisLabel: { interval: 0, rotate: categories.length > 6 ? 30 : 0 } },
      yAxis: { type: "value", axisLabel: { formatter: function (v) { return window.CRM.compactNumber(v, 0); } } },
      series: series
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  document.querySelectorAll(".fc-chart").forEach(draw);
})();
