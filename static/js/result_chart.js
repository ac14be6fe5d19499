// Results of one point and pollutant over time, with the MPC line; exceedances in red. The legend's texts come
// translated from the page (the canvas' aria-label and data-mpc-label), dates and numbers as its language writes them.
(function () {
  "use strict";
  const canvas = document.getElementById("result-chart");
  if (!canvas) return;
  const series = JSON.parse(document.getElementById("series").textContent);
  const points = series.map((r) => ({ x: Date.parse(r.t), y: r.v, severity: r.severity }));
  const mpc = series.filter((r) => r.mpc !== null).map((r) => ({ x: Date.parse(r.t), y: r.mpc }));
  const colour = (ctx) => (ctx.raw && ctx.raw.severity > 0 ? "#c62828" : "#1e88e5");
  new Chart(canvas, {
    type: "line",
    data: {
      datasets: [
        { label: canvas.getAttribute("aria-label"), data: points, borderColor: "#90a4ae", pointBackgroundColor: colour, pointBorderColor: colour, pointRadius: 4 },
        { label: canvas.dataset.mpcLabel, data: mpc, borderColor: "#c62828", borderDash: [6, 4], pointRadius: 0, stepped: true },
      ],
    },
    options: {
      locale: document.documentElement.lang,
      maintainAspectRatio: false,
      animation: false,
      scales: { x: { type: "linear", ticks: { callback: (value) => new Date(value).toLocaleDateString(document.documentElement.lang) } }, y: { beginAtZero: true } },
    },
  });
})();
