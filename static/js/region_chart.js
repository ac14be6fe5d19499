// A region's hazardous waste held at year end: published and reported in returns.
(function () {
  "use strict";
  const canvas = document.getElementById("region-chart");
  if (!canvas) return;
  const data = JSON.parse(document.getElementById("region-data").textContent);
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.years,
      datasets: [
        { label: "published", data: data.published, backgroundColor: "#7a5c2e" },
        { label: "reported", data: data.reported, backgroundColor: "#1e88e5" },
      ],
    },
    options: { maintainAspectRatio: false, animation: false, scales: { y: { beginAtZero: true } } },
  });
})();
