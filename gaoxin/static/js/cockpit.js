// The cockpit's charts (ECharts, served from our own static files). Data comes from the page (json_script).
(function () {
  var node = document.getElementById("cockpit-data");
  if (!node || !window.echarts) { return; }
  var data = JSON.parse(node.textContent);
  var unit = data.unit;
  var font = { fontFamily: getComputedStyle(document.body).fontFamily };
  function chart(id) {
    var el = document.getElementById(id);
    if (!el) { return null; }
    var c = echarts.init(el, null, { renderer: "svg" });
    window.addEventListener("resize", function () { c.resize(); });
    return c;
  }
  var trend = chart("chart-trend");
  if (trend) {
    trend.setOption({
      textStyle: font, tooltip: { trigger: "axis", valueFormatter: function (v) { return v == null ? "—" : v + unit; } },
      legend: { top: 0, right: 10, data: [data.trend.this_label, data.trend.last_label] },
      grid: { left: 60, right: 20, top: 40, bottom: 30 },
      xAxis: { type: "category", data: data.months },
      yAxis: { type: "value", name: unit },
      series: [
        { name: data.trend.this_label, type: "line", data: data.trend.this, smooth: true, itemStyle: { color: "#1d4e89" } },
        { name: data.trend.last_label, type: "line", data: data.trend.last, smooth: true, lineStyle: { type: "dashed" }, itemStyle: { color: "#9aa5b1" } }
      ]
    });
  }
  var parks = chart("chart-parks");
  if (parks) {
    parks.setOption({
      textStyle: font, tooltip: { trigger: "axis" },
      grid: { left: 60, right: 50, top: 30, bottom: 60 },
      xAxis: { type: "category", data: data.parks.map(function (p) { return p.name; }), axisLabel: { interval: 0, rotate: 20 } },
      yAxis: [{ type: "value", name: unit }, { type: "value", name: "%", splitLine: { show: false } }],
      series: [
        { name: unit, type: "bar", data: data.parks.map(function (p) { return p.value; }), itemStyle: { color: "#1d4e89" } },
        { name: "%", type: "line", yAxisIndex: 1, data: data.parks.map(function (p) { return p.yoy; }), itemStyle: { color: "#f59f00" } }
      ]
    });
  }
  var industries = chart("chart-industries");
  if (industries) {
    industries.setOption({
      textStyle: font, tooltip: { trigger: "item", valueFormatter: function (v) { return v + unit; } },
      series: [{ type: "pie", radius: ["40%", "70%"], data: data.industries, label: { formatter: "{b}\n{d}%" } }]
    });
  }
})();
