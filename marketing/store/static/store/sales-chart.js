// Store sales: three charts from the page's JSON (templates/store/sales.html).
(function () {
  const source = document.getElementById("sales-chart-data");
  if (!source || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  const draw = (id, set, type) => {
    const canvas = document.getElementById(id);
    if (!canvas || !set.labels.length) return;
    new Chart(canvas, {
      type: type,
      data: { labels: set.labels, datasets: [{ data: set.values }] },
      options: { plugins: { legend: { display: type === "doughnut" } }, responsive: true },
    });
  };
  draw("chart-product", data.product, "bar");
  draw("chart-buyer", data.buyer, "doughnut");
  draw("chart-month", data.month, "line");
})();
