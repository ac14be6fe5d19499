// National indicators over the years: published and reported, generated and recycled.
(function () {
  "use strict";
  const canvas = document.getElementById("national-chart");
  if (!canvas) return;
  const data = JSON.parse(document.getElementById("national-data").textContent);
  const series = (values, label, colour, dash) => ({
    label, data: values, borderColor: colour, backgroundColor: colour, borderDash: dash, spanGaps: true, tension: 0.2,
  });
  new Chart(canvas, {
    type: "line",
    data: {
      labels: data.years,
      datasets: [
        series(data.published_generated, "generated (published)", "#7a5c2e", []),
        series(data.published_recycled, "recycled (published)", "#2e7d32", []),
        series(data.reported_generated, "generated (reported)", "#7a5c2e", [6, 4]),
        series(data.reported_recycled, "recycled (reported)", "#2e7d32", [6, 4]),
      ],
    },
    options: { maintainAspectRatio: false, animation: false, scales: { y: { beginAtZero: true } } },
  });
})();
