// Survey dashboard: NPS and average score per month, NPS per department. Data from the
// json_script element the template renders; CSP forbids inline scripts.
(function () {
  "use strict";
  var source = document.getElementById("survey-chart-data");
  if (!source || typeof window.Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var styles = getComputedStyle(document.documentElement);
  var color = function (name, fallback) { return styles.getPropertyValue(name).trim() || fallback; };
  var months = document.getElementById("survey-month-chart");
  if (months) {
    new window.Chart(months, {
      type: "bar",
      data: {
        labels: data.months,
        datasets: [
          { type: "bar", label: months.dataset.labelNps, data: data.month_nps, backgroundColor: color("--bs-primary", "#0d6efd"), yAxisID: "nps" },
          { type: "line", label: months.dataset.labelAverage, data: data.month_average, borderColor: color("--bs-success", "#198754"), yAxisID: "avg" }
        ]
      },
      options: { responsive: true, scales: { nps: { min: -100, max: 100, position: "left" }, avg: { min: 0, max: 10, position: "right", grid: { drawOnChartArea: false } } } }
    });
  }
  var departments = document.getElementById("survey-department-chart");
  if (departments) {
    new window.Chart(departments, {
      type: "bar",
      data: { labels: data.departments, datasets: [{ label: departments.dataset.labelNps, data: data.department_nps, backgroundColor: color("--bs-info", "#0dcaf0") }] },
      options: { indexAxis: "y", responsive: true, scales: { x: { min: -100, max: 100 } } }
    });
  }
})();
