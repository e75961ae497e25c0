// Page views per day (Chart.js); the data comes from a json_script tag, never inline script.
(function () {
  const node = document.getElementById("chart-data");
  const canvas = document.getElementById("chart-views");
  if (!node || !canvas || typeof Chart === "undefined") return;
  const data = JSON.parse(node.textContent);
  new Chart(canvas, {
    type: "line",
    data: { labels: data.labels, datasets: [{ label: "", data: data.views, tension: 0.2 }] },
    options: { maintainAspectRatio: false, plugins: { legend: { display: false } } },
  });
})();
