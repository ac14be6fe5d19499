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
      ctx.textBaseline = "bottom";
      notes.forEach((note, index) => {
        const element = meta.data[index];
        if (!note || !provisional[index] || !element || element.skip || !Number.isFinite(element.y)) return;
        const width = ctx.measureText(note).width;
        // Above the point, kept inside the chart, on a white ground so that the lines do not cross the text.
        const x = Math.min(Math.max(element.x - width / 2, chartArea.left), chartArea.right - width);
        const y = Math.max(element.y - 28, chartArea.top + 16);
        ctx.fillStyle = "rgba(255, 255, 255, 0.85)";
        ctx.fillRect(x - 3, y - 15, width + 6, 18);
        ctx.fillStyle = "#444";
        ctx.fillText(note, x, y);
      });
      ctx.restore();
    },
  };
};
