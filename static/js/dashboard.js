// Dashboard tiles: one Chart.js chart per canvas[data-dashboard-chart], its input in the
// json_script element of that id (CSP forbids inline scripts). Money comes in integer minor
// units with the currency's exponent; it is scaled for display only.
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") {
    return;
  }
  var styles = getComputedStyle(document.documentElement);
  var colour = function (name) {
    var fallback = { primary: "#0d6efd", success: "#198754", warning: "#ffc107", danger: "#dc3545", secondary: "#6c757d" };
    return styles.getPropertyValue("--bs-" + name).trim() || fallback[name] || "#0d6efd";
  };
  var lang = document.documentElement.lang || undefined;
  document.querySelectorAll("canvas[data-dashboard-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.dataset.dashboardChart);
    if (!source) {
      return;
    }
    var data = JSON.parse(source.textContent);
    var money = data.currency ? new Intl.NumberFormat(lang, { style: "currency", currency: data.currency }) : null;
    var scale = data.currency ? Math.pow(10, data.exponent || 0) : 1;
    var format = function (value) { return money ? money.format(value) : value; };
    var valueAxis = data.horizontal ? "x" : "y";
    var scales = {};
    scales[valueAxis] = { stacked: !!data.stacked, beginAtZero: true, ticks: { callback: format } };
    scales[valueAxis === "x" ? "y" : "x"] = { stacked: !!data.stacked };
    new window.Chart(canvas, {
      type: data.type || "bar",
      data: {
        labels: data.labels,
        datasets: data.datasets.map(function (set) {
          return {
            label: set.label,
            data: set.data.map(function (v) { return v / scale; }),
            backgroundColor: colour(set.color)
          };
        })
      },
      options: {
        indexAxis: data.horizontal ? "y" : "x",
        responsive: true,
        scales: scales,
        plugins: {
          tooltip: {
            callbacks: {
              label: function (ctx) {
                return ctx.dataset.label + ": " + format(data.horizontal ? ctx.parsed.x : ctx.parsed.y);
              }
            }
          }
        }
      }
    });
  });
})();
