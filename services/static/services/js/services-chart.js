// Services work queue: average turnaround (days) and rating per service.
// Data comes from the json_script element the template renders; CSP forbids inline scripts.
(function () {
  "use strict";
  var canvas = document.getElementById("services-chart");
  var source = document.getElementById("services-chart-data");
  if (!canvas || !source || typeof window.Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var styles = getComputedStyle(document.documentElement);
  var color = function (name, fallback) {
    return styles.getPropertyValue(name).trim() || fallback;
  };
  new window.Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [
        { label: canvas.dataset.labelTurnaround, data: data.turnaround, backgroundColor: color("--bs-primary", "#0d6efd"), yAxisID: "days" },
        { label: canvas.dataset.labelRating, data: data.rating, backgroundColor: color("--bs-success", "#198754"), yAxisID: "rating" }
      ]
    },
    options: {
      responsive: true,
      scales: {
        days: { type: "linear", position: "left", beginAtZero: true },
        rating: { type: "linear", position: "right", min: 0, max: 5, grid: { drawOnChartArea: false } }
      }
    }
  });
})();
