// National indicators over the years: published and reported, generated and recycled. A year whose reported
// figures are provisional (too few of the returns expected for it accepted) is drawn dashed and lighter, with its
// coverage written beside it, never as a plain fall of the line. Its texts come translated with the data, and its
// numbers are written as the page's language writes them.
(function () {
  "use strict";
  const canvas = document.getElementById("national-chart");
  if (!canvas) return;
  const data = JSON.parse(document.getElementById("national-data").textContent);
  const provisional = (index) => data.reported_provisional[index] === true;
  const LIGHTER = "66"; // alpha appended to a #rrggbb colour
  const series = (values, label, colour) => ({
    label, data: values, borderColor: colour, backgroundColor: colour, spanGaps: true, tension: 0.2,
  });
  const reported = (values, label, colour) => ({
    ...series(values, label, colour),
    // A segment reaching a provisional year is dashed and lighter; so is that year's point, drawn hollow.
    segment: {
      borderDash: (ctx) => (provisional(ctx.p1DataIndex) || provisional(ctx.p0DataIndex) ? [6, 4] : undefined),
      borderColor: (ctx) =>
        provisional(ctx.p1DataIndex) || provisional(ctx.p0DataIndex) ? colour + LIGHTER : undefined,
    },
    pointBackgroundColor: (ctx) => (provisional(ctx.dataIndex) ? "#ffffff" : colour),
    pointBorderColor: (ctx) => (provisional(ctx.dataIndex) ? colour + LIGHTER : colour),
    pointRadius: (ctx) => (provisional(ctx.dataIndex) ? 5 : 3),
  });
  new Chart(canvas, {
    type: "line",
    data: {
      labels: data.years,
      datasets: [
        series(data.published_generated, data.labels.published_generated, "#7a5c2e"),
        series(data.published_recycled, data.labels.published_recycled, "#2e7d32"),
        reported(data.reported_generated, data.labels.reported_generated, "#1e63b5"),
        reported(data.reported_recycled, data.labels.reported_recycled, "#00897b"),
      ],
    },
    options: {
      locale: window.qaldyqLocale,
      maintainAspectRatio: false,
      animation: false,
      scales: { y: { beginAtZero: true, title: { display: true, text: data.labels.unit } } },
      plugins: {
        tooltip: {
          callbacks: {
            afterLabel: (item) => (item.datasetIndex >= 2 ? data.reported_coverage[item.dataIndex] || "" : ""),
          },
        },
      },
    },
    plugins: [window.coverageNotes(2, data.reported_coverage, data.reported_provisional)],
  });
})();
