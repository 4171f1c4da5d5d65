// Dashboard chart: stock movements per day (ECharts), data from the page's JSON block.
// The chart arrives as an htmx fragment after the page (it scans 14 days of ledger).
document.addEventListener("htmx:afterSettle", () => {
  const box = document.getElementById("moves-chart");
  const data = document.getElementById("moves-data");
  if (!box || !data || !window.echarts || box.dataset.ready) return;
  box.dataset.ready = "1";
  const d = JSON.parse(data.textContent);
  const chart = echarts.init(box);
  chart.setOption({
    tooltip: {trigger: "axis"}, legend: {data: [d.in_label, d.out_label]},
    grid: {left: 50, right: 20, top: 30, bottom: 30},
    xAxis: {type: "category", data: d.days}, yAxis: {type: "value"},
    series: [{name: d.in_label, type: "bar", data: d.in, itemStyle: {color: "#3a7d44"}},
             {name: d.out_label, type: "bar", data: d.out, itemStyle: {color: "#c0392b"}}],
  });
  window.addEventListener("resize", () => chart.resize());
});
