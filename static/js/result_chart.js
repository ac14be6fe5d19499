// Results of one point and pollutant over time (for a long window each day's minimum, mean and maximum), with the
// MPC line at its value on the y-axis and the exceeding results marked (red triangles, their own legend entry).
// Every text comes translated from the page's data- attributes (strict CSP: no inline script), dates and numbers
// as its language writes them.
(function () {
  "use strict";
  const canvas = document.getElementById("result-chart");
  if (!canvas) return;
  const series = JSON.parse(document.getElementById("series").textContent);
  // A long window comes as days (minimum, mean, maximum): the mean drawn as the line, the band from minimum to
  // maximum, a day with an exceeding result marked at its maximum.
  const daily = canvas.dataset.daily === "1";
  const points = series.map((r) => ({ x: Date.parse(r.t), y: daily ? r.mean : r.v }));
  const exceeding = series.filter((r) => r.severity > 0).map((r) => ({ x: Date.parse(r.t), y: daily ? r.high : r.v }));
  // A stepped line through each result's MPC, carried on to the last sample so a single result still draws it.
  const mpc = series.filter((r) => r.mpc !== null).map((r) => ({ x: Date.parse(r.t), y: r.mpc }));
  if (mpc.length === 1 && points.length) mpc.push({ x: points[points.length - 1].x + 1, y: mpc[0].y });
  const band = daily
    ? [
        { label: canvas.dataset.rangeLabel, data: series.map((r) => ({ x: Date.parse(r.t), y: r.high })), borderWidth: 0, pointRadius: 0, backgroundColor: "rgba(84, 110, 122, 0.25)", fill: false },
        { label: "", data: series.map((r) => ({ x: Date.parse(r.t), y: r.low })), borderWidth: 0, pointRadius: 0, backgroundColor: "rgba(84, 110, 122, 0.25)", fill: "-1" },
      ]
    : [];
  const mpcValues = mpc.map((p) => p.y).filter((v) => v > 0);
  const values = (daily ? series.map((r) => r.high) : points.map((p) => p.y)).filter((v) => v > 0);
  // Far above the MPC a linear axis squeezes the MPC line onto the x-axis; a logarithmic one keeps it at its value.
  const spread = mpcValues.length && values.length ? Math.max(...values) / Math.min(...mpcValues) : 1;
  const number = new Intl.NumberFormat(window.qaldyqLocale, { maximumSignificantDigits: 4 });
  new Chart(canvas, {
    type: "line",
    data: {
      datasets: [
        { label: daily ? canvas.dataset.meanLabel : canvas.dataset.valueLabel, data: points, borderColor: "#546e7a", backgroundColor: "#546e7a", pointRadius: daily ? 0 : 3 },
        ...band,
        { label: daily ? canvas.dataset.exceedingDayLabel : canvas.dataset.exceedingLabel, data: exceeding, showLine: false, pointStyle: "triangle", pointRadius: 7, borderColor: "#b71c1c", backgroundColor: "#c62828" },
        { label: canvas.dataset.mpcLabel, data: mpc, borderColor: "#c62828", backgroundColor: "#c62828", borderDash: [6, 4], pointRadius: 0, stepped: true },
      ],
    },
    options: {
      locale: window.qaldyqLocale,
      maintainAspectRatio: false,
      animation: false,
      // The band's lower edge has no legend entry of its own.
      plugins: { legend: { labels: { filter: (item) => item.text !== "" } } },
      scales: {
        x: { type: "linear", ticks: { callback: (value) => new Date(value).toLocaleDateString(window.qaldyqLocale) } },
        y: spread > 20
          ? { type: "logarithmic", title: { display: true, text: canvas.dataset.axisLabel }, ticks: { callback: (value) => number.format(value) } }
          : { beginAtZero: true, suggestedMax: mpcValues.length ? Math.max(...mpcValues) * 1.2 : undefined, title: { display: true, text: canvas.dataset.axisLabel } },
      },
    },
  });
})();
