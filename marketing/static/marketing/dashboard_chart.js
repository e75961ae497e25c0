// Marketing dashboard (Chart.js): page views per day, and views → orders per service and
// product, arrivals → orders per campaign. The data comes from a json_script tag (CSP forbids
// inline scripts); the labels of the bar series from the canvas' data attributes. Every chart
// has a table with the same figures beside it, so nothing is lost without JavaScript.
(function () {
  "use strict";
  const node = document.getElementById("chart-data");
  if (!node || typeof window.Chart === "undefined") return;
  const data = JSON.parse(node.textContent);
  const styles = getComputedStyle(document.documentElement);
  const color = (name, fallback) => styles.getPropertyValue(name).trim() || fallback;
  const views = document.getElementById("chart-views");
  if (views) {
    new window.Chart(views, {
      type: "line",
      data: { labels: data.labels, datasets: [{ label: "", data: data.views, tension: 0.2, borderColor: color("--bs-primary", "#0d6efd") }] },
      options: { maintainAspectRatio: false, plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true } } },
    });
  }
  // Two bar series per row (views and orders, or arrivals and orders), horizontal so long
  // names stay readable on a phone.
  const bars = (id, series, first) => {
    const canvas = document.getElementById(id);
    if (!canvas || !series || !series.labels.length) return;
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: series.labels,
        datasets: [
          { label: canvas.dataset.labelFirst, data: series[first], backgroundColor: color("--bs-info", "#0dcaf0") },
          { label: canvas.dataset.labelSecond, data: series.orders, backgroundColor: color("--bs-success", "#198754") },
        ],
      },
      options: { indexAxis: "y", maintainAspectRatio: false, scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } },
    });
  };
  bars("chart-services", data.services, "views");
  bars("chart-products", data.products, "views");
  bars("chart-campaigns", data.campaigns, "arrivals");
})();
