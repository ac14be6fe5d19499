// A region's hazardous waste held at year end: published and reported in returns. A provisional reported figure
// (too few of the returns expected for that year accepted) is a lighter bar with a dashed outline and its coverage.
// Its texts come translated with the data, and its numbers are written as the page's language writes them.
(function () {
  "use strict";
  const canvas = document.getElementById("region-chart");
  if (!canvas) return;
  const data = JSON.parse(document.getElementById("region-data").textContent);
  const provisional = (index) => data.reported_provisional[index] === true;
  const REPORTED = "#1e88e5";
  const dashedOutline = {
    // Chart.js draws no dashed bar borders: the outline of a provisional bar is stroked here.
    id: "dashedOutline",
    afterDatasetsDraw(chart) {
      const { ctx } = chart;
      ctx.save();
      ctx.setLineDash([6, 4]);
      ctx.strokeStyle = REPORTED;
      chart.getDatasetMeta(1).data.forEach((bar, index) => {
        if (!provisional(index) || data.reported[index] === null) return;
        const { x, y, base, width } = bar.getProps(["x", "y", "base", "width"], true);
        ctx.strokeRect(x - width / 2, Math.min(y, base), width, Math.abs(base - y));
      });
      ctx.restore();
    },
  };
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.years,
      datasets: [
        { label: data.labels.published, data: data.published, backgroundColor: "#7a5c2e" },
        {
          label: data.labels.reported,
          data: data.reported,
          backgroundColor: (ctx) => (provisional(ctx.dataIndex) ? REPORTED + "40" : REPORTED),
        },
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
            afterLabel: (item) => (item.datasetIndex === 1 ? data.reported_coverage[item.dataIndex] || "" : ""),
          },
        },
      },
    },
    plugins: [dashedOutline, window.coverageNotes(1, data.reported_coverage, data.reported_provisional)],
  });
})();
