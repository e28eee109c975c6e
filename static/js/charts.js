// Draws every chart of the page (templates/charts/chart.html, described by callao/charts.py)
// with Chart.js; heat maps with the chartjs-chart-matrix controller. Colours come from CSS
// custom properties (static/css/app.css), numbers are written as the page's language writes them.
(function () {
  "use strict";
  if (typeof Chart === "undefined") return;

  const style = getComputedStyle(document.documentElement);
  const css = (name, fallback) => style.getPropertyValue(name).trim() || fallback;
  // Okabe–Ito, distinguishable with the common colour-vision deficiencies.
  const PALETTE = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9"].map(
    (fallback, i) => css("--chart-" + (i + 1), fallback)
  );
  const REFERENCE = css("--chart-reference", "#6b7280");
  const EMPTY = css("--chart-empty", "transparent");
  const LOW = css("--chart-scale-low", "#dbeafe");
  const HIGH = css("--chart-scale-high", "#1e3a8a");
  const locale = document.documentElement.lang || "es-PE";

  Chart.defaults.color = css("--ink", "#1f2937");
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.locale = locale;
  // Figures, not a show: no animation (cheaper on phones, and nothing moves for those who
  // asked for reduced motion).
  Chart.defaults.animation = false;

  function formatter(decimals, unit) {
    const number = new Intl.NumberFormat(locale, { maximumFractionDigits: decimals });
    return (value) =>
      value === null || value === undefined || Number.isNaN(value)
        ? "—"
        : number.format(value) + (unit ? " " + unit : "");
  }

  function axisTitle(text) {
    return { display: Boolean(text), text: text };
  }

  function hexToRgb(hex) {
    const match = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
    return match ? match.slice(1).map((part) => parseInt(part, 16)) : [0, 0, 0];
  }

  function seriesConfig(spec) {
    const format = formatter(spec.decimals, spec.unit);
    let colour = 0;
    const datasets = spec.series.map((series) => {
      const lineColour = series.reference ? REFERENCE : PALETTE[colour++ % PALETTE.length];
      return {
        label: series.label,
        data: series.values,
        borderColor: lineColour,
        backgroundColor: lineColour,
        borderDash: series.reference ? [6, 4] : [],
        borderWidth: 2,
        pointRadius: spec.labels.length > 60 ? 0 : 3,
        spanGaps: false,
        tension: 0,
      };
    });
    return {
      type: spec.type,
      data: { labels: spec.labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: "index", intersect: false },
        plugins: {
          legend: { position: "bottom" },
          tooltip: {
            callbacks: { label: (item) => item.dataset.label + ": " + format(item.parsed.y) },
          },
        },
        scales: {
          x: { title: axisTitle(spec.xLabel), ticks: { autoSkip: true, maxRotation: 0 } },
          y: {
            beginAtZero: true,
            title: axisTitle(spec.yLabel),
            ticks: { callback: (value) => format(value) },
          },
        },
      },
    };
  }

  function matrixConfig(spec, container) {
    const format = formatter(spec.decimals, spec.unit);
    const present = spec.values.flat().filter((v) => v !== null);
    const min = Math.min(...present);
    const max = Math.max(...present);
    const low = hexToRgb(LOW);
    const high = hexToRgb(HIGH);
    const shade = (value) => {
      if (value === null) return EMPTY;
      const t = max > min ? (value - min) / (max - min) : 1;
      const rgb = low.map((from, i) => Math.round(from + (high[i] - from) * t));
      return "rgb(" + rgb.join(",") + ")";
    };
    const cells = [];
    spec.rows.forEach((row, r) =>
      spec.columns.forEach((column, c) => cells.push({ x: column, y: row, v: spec.values[r][c] }))
    );
    // A row per 1.6 rem or so, at least 12 rem: set through the CSSOM, which the CSP allows.
    container.style.height = Math.max(192, spec.rows.length * 26 + 90) + "px";
    return {
      type: "matrix",
      data: {
        datasets: [
          {
            label: spec.legendLabel,
            data: cells,
            backgroundColor: (context) => shade(context.raw ? context.raw.v : null),
            borderColor: css("--card", "#ffffff"),
            borderWidth: 1,
            width: ({ chart }) => (chart.chartArea || {}).width / spec.columns.length - 1,
            height: ({ chart }) => (chart.chartArea || {}).height / spec.rows.length - 1,
          },
        ],
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              title: () => "",
              label: (item) =>
                item.raw.y + " · " + item.raw.x + ": " + format(item.raw.v) +
                " (" + spec.legendLabel + ")",
            },
          },
        },
        scales: {
          x: {
            type: "category",
            labels: spec.columns,
            offset: true,
            grid: { display: false },
            title: axisTitle(spec.xLabel),
            ticks: { autoSkip: true, maxRotation: 0 },
          },
          y: {
            type: "category",
            labels: spec.rows,
            offset: true,
            reverse: false, // the matrix controller reverses y; keep the table's row order
            grid: { display: false },
            title: axisTitle(spec.yLabel),
          },
        },
      },
    };
  }

  document.querySelectorAll("figure.chart[data-chart]").forEach((figure) => {
    const data = document.getElementById(figure.dataset.chart);
    const canvas = figure.querySelector("canvas");
    if (!data || !canvas) return;
    const spec = JSON.parse(data.textContent);
    const config =
      spec.type === "matrix" ? matrixConfig(spec, canvas.parentElement) : seriesConfig(spec);
    new Chart(canvas, config);
    figure.dataset.drawn = "true";
  });
})();
