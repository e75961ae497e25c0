// Spending charts (Chart.js); the data comes from a json_script tag, never inline script.
(function () {
  const node = document.getElementById("chart-data");
  if (!node || typeof Chart === "undefined") return;
  const data = JSON.parse(node.textContent);
  const bar = (id, labels, values) => {
    const canvas = document.getElementById(id);
    if (canvas) new Chart(canvas, { type: "bar", data: { labels, datasets: [{ label: "", data: values }] }, options: { plugins: { legend: { display: false } } } });
  };
  bar("chart-month", data.months, data.month_totals);
  bar("chart-vendor", data.vendors, data.vendor_totals);
})();
