// The rate of a verdict's channel around its regime: hourly means over the baseline week, the regime (a shaded band)
// and the days after, with the two means the verdict compares as dashed lines over their spans. Each canvas names
// the JSON it draws (data-url); the texts come translated from its container's data- attributes (strict CSP: no
// inline script), dates and numbers as the page's language writes them.
(function () {
  "use strict";
  const canvases = document.querySelectorAll(".verdict-charts canvas.verdict-chart");
  if (!canvases.length) return;
  const number = new Intl.NumberFormat(window.qaldyqLocale, { maximumSignificantDigits: 4 });
  const HOUR = 3600 * 1000;
  // The regime's window, shaded behind the data (Chart.js has no band of the x-axis without a plugin).
  const windowBand = {
    id: "regimeWindow",
    beforeDatasetsDraw(chart, args, options) {
      const { ctx, chartArea, scales } = chart;
      const left = Math.max(scales.x.getPixelForValue(options.from), chartArea.left);
      const right = Math.min(scales.x.getPixelForValue(options.to), chartArea.right);
      if (right <= left) return;
      ctx.save();
      ctx.fillStyle = "rgba(255, 167, 38, 0.22)";
      ctx.fillRect(left, chartArea.top, right - left, chartArea.bottom - chartArea.top);
      ctx.restore();
    },
  };
  const draw = (canvas, data) => {
    const labels = canvas.closest(".verdict-charts").dataset;
    const starts = Date.parse(data.starts_at);
    const ends = Date.parse(data.ends_at);
    // An hour without values breaks the line (a source silent during the regime shows as a gap, not a slope).
    const rate = [];
    data.hours.forEach((h) => {
      const x = Date.parse(h.t);
      if (rate.length && x - rate[rate.length - 1].x > HOUR) rate.push({ x: rate[rate.length - 1].x + HOUR, y: null });
      rate.push({ x, y: Number(h.v) });
    });
    const span = (value, from, to) => (value === null ? [] : [{ x: from, y: Number(value) }, { x: to, y: Number(value) }]);
    new Chart(canvas, {
      type: "line",
      data: {
        datasets: [
          { label: labels.rateLabel, data: rate, borderColor: "#546e7a", backgroundColor: "#546e7a", pointRadius: 0, borderWidth: 1.5, spanGaps: false },
          { label: labels.baselineLabel, data: span(data.baseline_mean_gs, Date.parse(data.from), starts), borderColor: "#1565c0", backgroundColor: "#1565c0", borderDash: [6, 4], pointRadius: 0 },
          { label: labels.duringLabel, data: span(data.during_mean_gs, starts, Math.min(ends, Date.parse(data.to))), borderColor: "#b71c1c", backgroundColor: "#b71c1c", borderDash: [2, 3], pointRadius: 0 },
          // A legend entry for the shaded band (no line of its own).
          { label: labels.windowLabel, data: [], backgroundColor: "rgba(255, 167, 38, 0.45)", borderColor: "rgba(255, 167, 38, 0.9)" },
        ],
      },
      options: {
        locale: window.qaldyqLocale,
        maintainAspectRatio: false,
        animation: false,
        parsing: false,
        plugins: { regimeWindow: { from: starts, to: ends } },
        scales: {
          x: { type: "linear", min: Date.parse(data.from), max: Date.parse(data.to), ticks: { callback: (value) => new Date(value).toLocaleDateString(window.qaldyqLocale) } },
          y: { beginAtZero: true, title: { display: true, text: labels.axisLabel }, ticks: { callback: (value) => number.format(value) } },
        },
      },
      plugins: [windowBand],
    });
  };
  const load = (canvas) =>
    fetch(canvas.dataset.url, { headers: { Accept: "application/json" } })
      .then((response) => (response.ok ? response.json() : null))
      .then((data) => data && draw(canvas, data));
  // A city's regime may judge dozens of sources: each chart's data is read when it comes near the screen.
  if (!("IntersectionObserver" in window)) {
    canvases.forEach(load);
    return;
  }
  const observer = new IntersectionObserver(
    (entries) => {
      entries.filter((entry) => entry.isIntersecting).forEach((entry) => {
        observer.unobserve(entry.target);
        load(entry.target);
      });
    },
    { rootMargin: "400px" },
  );
  canvases.forEach((canvas) => observer.observe(canvas));
})();
