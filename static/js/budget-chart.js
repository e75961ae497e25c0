// Budget list: a stacked bar per department (encumbered + spent + available = allocated).
// Data comes from the json_script element the template renders; CSP forbids inline scripts.
(function () {
  "use strict";
  var canvas = document.getElementById("budget-chart");
  var source = document.getElementById("budget-chart-data");
  if (!canvas || !source || typeof window.Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var scale = Math.pow(10, data.exponent);
  var lang = document.documentElement.lang || undefined;
  var money = new Intl.NumberFormat(lang, { style: "currency", currency: data.currency });
  var toMajor = function (values) {
    // Display only: the figures of record are the integer minor units in the table.
    return values.map(function (v) { return v / scale; });
  };
  var styles = getComputedStyle(document.documentElement);
  var color = function (name, fallback) {
    return styles.getPropertyValue(name).trim() || fallback;
  };
  new window.Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [
        { label: canvas.dataset.labelSpent, data: toMajor(data.series.spent), backgroundColor: color("--bs-danger", "#dc3545") },
        { label: canvas.dataset.labelEncumbered, data: toMajor(data.series.encumbered), backgroundColor: color("--bs-warning", "#ffc107") },
        { label: canvas.dataset.labelAvailable, data: toMajor(data.series.available), backgroundColor: color("--bs-success", "#198754") }
      ]
    },
    options: {
      indexAxis: "y",
      responsive: true,
      scales: {
        x: { stacked: true, ticks: { callback: function (value) { return money.format(value); } } },
        y: { stacked: true }
      },
      plugins: {
        tooltip: {
          callbacks: {
            label: function (ctx) { return ctx.dataset.label + ": " + money.format(ctx.parsed.x); }
          }
        }
      }
    }
  });
})();
