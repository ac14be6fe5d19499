// The coverage of a provisional figure reported in returns ("1 of 21 expected returns, provisional"), written on
// the chart beside its point or bar, so that a low figure reads as incomplete rather than as a fall.
window.coverageNotes = function (datasetIndex, notes, provisional) {
  "use strict";
  return {
    id: "coverageNotes",
    afterDatasetsDraw(chart) {
      const meta = chart.getDatasetMeta(datasetIndex);
      if (meta.hidden) return;
      const { ctx, chartArea } = chart;
      ctx.save();
      ctx.font = "12px system-ui, sans-serif";
      ctx.fillStyle = "#555";
      ctx.textBaseline = "bottom";
      notes.forEach((note, index) => {
        const element = meta.data[index];
        if (!note || !provisional[index] || !element || element.skip || !Number.isFinite(element.y)) return;
        const width = ctx.measureText(note).width;
        // Kept inside the chart: right-aligned near the right edge, below the point near the top.
        const x = Math.min(Math.max(element.x - width / 2, chartArea.left), chartArea.right - width);
        const y = Math.max(element.y - 10, chartArea.top + 14);
        ctx.fillText(note, x, y);
      });
      ctx.restore();
    },
  };
};
