// Consortium savings chart (Chart.js): list price against the consortium price per office.
// The data comes from a json_script tag; the CSP forbids inline scripts.
(function () {
  const node = document.getElementById("consortium-chart-data");
  const canvas = document.getElementById("consortium-savings-chart");
  if (!node || !canvas || typeof Chart === "undefined") return;
  const data = JSON.parse(node.textContent);
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [
        { label: data.label_list, data: data.list },
        { label: data.label_price, data: data.price },
      ],
    },
    options: { scales: { y: { beginAtZero: true } } },
  });
})();
