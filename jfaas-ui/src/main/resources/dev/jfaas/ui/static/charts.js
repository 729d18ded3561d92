import uPlot from "./vendor/uplot/uPlot.esm.js";

const WINDOW = 900; // points kept: the gateway's hour (a sample every 5 s) and what is added live
const HEIGHT = 220;

/**
 * A line chart as wide as the box it is in, following it when the window changes size (uPlot
 * draws at a fixed size); times on its axis are the browser's, as every time on the page.
 */
export function lineChart(title, series, target) {
  const data = [[], ...series.map(() => [])];
  const width = () => Math.max(240, Math.floor(target.clientWidth || 580));
  const plot = new uPlot({
    title, width: width(), height: HEIGHT,
    series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.color, width: 2 }))],
    axes: [{}, { size: 60 }],
  }, data, target);
  const resized = new ResizeObserver(() => {
    if (Math.abs(plot.width - width()) > 1) plot.setSize({ width: width(), height: HEIGHT });
  });
  resized.observe(target);
  return {
    push(time, values) {
      data[0].push(time);
      values.forEach((v, i) => data[i + 1].push(v));
      if (data[0].length > WINDOW) data.forEach((column) => column.shift());
      plot.setData(data);
    },
    stop() {
      resized.disconnect();
    },
  };
}
