// Resource-sharing statistics: fill rate, turnaround and balance by month (Chart.js).
(function () {
  "use strict";
  var el = document.getElementById("sharing-stats");
  if (!el || typeof Chart === "undefined") { return; }
  var data = JSON.parse(el.textContent);
  var t = data.texts;
  function chart(id, type, datasets, extra) {
    var canvas = document.getElementById(id);
    if (!canvas) { return; }
    new Chart(canvas, {
      type: type,
      data: { labels: data.labels, datasets: datasets },
      options: Object.assign({ responsive: true, maintainAspectRatio: false, spanGaps: true }, extra || {})
    });
  }
  chart("chart-fill", "line", [{ label: t.fill, data: data.fill_rate, borderColor: "#198754" }],
    { scales: { y: { min: 0, max: 100 } } });
  chart("chart-turnaround", "line", [
    { label: t.to_ship, data: data.to_ship, borderColor: "#0d6efd" },
    { label: t.to_receive, data: data.to_receive, borderColor: "#6f42c1" }
  ]);
  chart("chart-balance", "bar", [
    { label: t.lent, data: data.lent, backgroundColor: "#198754" },
    { label: t.borrowed, data: data.borrowed, backgroundColor: "#dc3545" },
    { label: t.net, data: data.net, type: "line", borderColor: "#212529" }
  ]);
})();
