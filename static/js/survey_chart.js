// Accumulated tonnage by survey year.
(function () {
  "use strict";
  const canvas = document.getElementById("survey-chart");
  if (!canvas) return;
  const data = JSON.parse(document.getElementById("survey-data").textContent);
  new Chart(canvas, {
    type: "line",
    data: {
      datasets: [{
        label: canvas.getAttribute("aria-label"),
        data: data.years.map((year, i) => ({ x: year, y: data.mt[i] })), borderColor: "#7a5c2e", backgroundColor: "#7a5c2e", tension: 0.2 }],
    },
    options: {
      locale: window.qaldyqLocale,
      maintainAspectRatio: false,
      animation: false,
      scales: { x: { type: "linear", ticks: { precision: 0, callback: (value) => String(value) } }, y: { beginAtZero: true } },
      plugins: { legend: { display: false } },
    },
  });
})();
