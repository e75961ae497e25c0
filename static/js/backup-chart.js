// Backup history: size of each completed backup over time, from the json_script element
// the template renders (CSP forbids inline scripts).
(function () {
  "use strict";
  var canvas = document.getElementById("backup-chart");
  var source = document.getElementById("backup-chart-data");
  if (!canvas || !source || typeof window.Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var styles = getComputedStyle(document.documentElement);
  var color = styles.getPropertyValue("--bs-primary").trim() || "#0d6efd";
  new window.Chart(canvas, {
    type: "line",
    data: {
      labels: data.labels,
      datasets: [{
        label: canvas.dataset.labelSize,
        // Display only: bytes to megabytes; the table below has the exact sizes.
        data: data.sizes.map(function (bytes) { return Math.round(bytes / 10485.76) / 100; }),
        borderColor: color,
        backgroundColor: color,
        tension: 0.2
      }]
    },
    options: { responsive: true, scales: { y: { beginAtZero: true } }, plugins: { legend: { display: false } } }
  });
})();
