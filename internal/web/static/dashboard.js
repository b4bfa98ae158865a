// Draws a dashboard's charts from its JSON (the figures of the tables below
// each chart, which work without this script). Every bar, point and day
// opens the list of tasks behind it.
(function () {
  "use strict";
  var colors = { closed: "#1565c0", ahead: "#1b5e20", on_pace: "#2e7d32", lagging: "#e0a000", overdue: "#c62828", not_started: "#9e9e9e" };
  var cache = {};
  function load(src) {
    if (!cache[src]) {
      cache[src] = fetch(src, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      });
    }
    return cache[src];
  }
  function open(params) {
    var url = params.data && params.data.url;
    if (url) window.location.href = url;
  }
  // Each light is a series of a stacked bar: the items carry their own URL.
  function lightSeries(d, rows, horizontal) {
    return d.lights.map(function (l) {
      return {
        name: l.label, type: "bar", stack: "lights", color: colors[l.light],
        emphasis: { focus: "series" },
        data: rows.map(function (r) { var c = r.lights[l.light] || { n: 0, url: "" }; return { value: c.n, url: c.url }; })
      };
    });
  }
  var base = { animation: false, tooltip: { trigger: "item", renderMode: "richText" }, legend: { top: 0 }, grid: { left: 8, right: 24, top: 36, bottom: 8, containLabel: true } };
  function opt(extra) { return Object.assign({}, base, extra); }
  var charts = {
    headings: function (d) {
      var rows = d.headings.slice().reverse();
      return opt({
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", data: rows.map(function (h) { return h.heading || "（未分章节）"; }), axisLabel: { width: 220, overflow: "truncate" } },
        series: lightSeries(d, rows, true)
      });
    },
    units: function (d) {
      var rows = d.units.slice(0, 30).reverse();
      return opt({
        xAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
        yAxis: { type: "category", data: rows.map(function (u) { return u.name; }), axisLabel: { width: 160, overflow: "truncate" } },
        series: [
          { name: "按时报送率", type: "bar", color: "#1565c0", data: rows.map(function (u) { return { value: u.on_time_rate, url: u.url }; }) },
          { name: "达序时进度比例", type: "bar", color: "#2e7d32", data: rows.map(function (u) { return { value: u.pace_share, url: u.url }; }) }
        ]
      });
    },
    trend: function (d) {
      return opt({
        xAxis: { type: "category", data: d.trend.map(function (t) { return t.period.label; }) },
        yAxis: { type: "value", minInterval: 1 },
        series: lightSeries(d, d.trend)
      });
    },
    targets: function (d) {
      var rows = d.targets.filter(function (t) { return t.percent !== null; }).slice(0, 40).reverse();
      var names = rows.map(function (t) { return t.task + " " + t.indicator; });
      return opt({
        xAxis: { type: "value", axisLabel: { formatter: "{value}%" } },
        yAxis: { type: "category", data: names, axisLabel: { width: 220, overflow: "truncate" } },
        series: [
          { name: "完成比例", type: "bar", color: "#1565c0", data: rows.map(function (t) { return { value: Math.round(t.percent * 10) / 10, url: t.url }; }) },
          { name: "序时进度", type: "scatter", color: "#e0a000", symbol: "diamond", symbolSize: 12, data: rows.map(function (t) { return { value: t.pace, url: t.url }; }) }
        ]
      });
    },
    calendar: function (d) {
      var today = new Date();
      var start = today.toISOString().slice(0, 10);
      var end = new Date(today.getTime() + 92 * 86400000).toISOString().slice(0, 10);
      var max = 1;
      d.calendar.forEach(function (c) { if (c.count > max) max = c.count; });
      return opt({
        legend: { show: false },
        visualMap: { min: 0, max: max, show: false, inRange: { color: ["#fff3e0", "#e65100"] } },
        calendar: { range: [start, end], cellSize: ["auto", 18], top: 30, left: 40, right: 16, yearLabel: { show: false }, dayLabel: { nameMap: "ZH" }, monthLabel: { nameMap: "ZH" } },
        series: [{ type: "heatmap", coordinateSystem: "calendar", data: d.calendar.map(function (c) { return { value: [c.date, c.count], url: c.url }; }) }]
      });
    }
  };
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var make = charts[el.dataset.chart];
    if (!make || !window.echarts) return;
    load(el.dataset.src).then(function (d) {
      if (el.dataset.chart === "targets" && !d.targets.some(function (t) { return t.percent !== null; })) {
        el.textContent = "还没有量化指标的实际值。";
        el.classList.add("drawn", "empty");
        return;
      }
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(make(d));
      chart.on("click", open);
      window.addEventListener("resize", function () { chart.resize(); });
      el.classList.add("drawn");
      // The table stays one click away.
      var details = el.parentElement.querySelector("details");
      if (details) details.open = false;
    }).catch(function (e) {
      el.textContent = "图表未能加载（" + e.message + "），请看下面的数据表。";
    });
  });
})();
