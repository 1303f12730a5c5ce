// « Délai de prise de RDV »: weekly median per channel (minutes, log scale). The table on the
// page is the text alternative.
(function () {
  "use strict";
  var source = document.getElementById("lead-chart-data");
  var canvas = document.getElementById("lead-chart");
  if (!source || !canvas || !window.Chart) { return; }
  var data = JSON.parse(source.textContent);
  var colors = { phone: "#0b5cad", online: "#1a7f37", api: "#8250df", email: "#b35900", staff: "#57606a" };
  var dashes = { phone: [], online: [6, 3], api: [2, 2], email: [8, 4, 2, 4], staff: [1, 3] };
  function label(minutes) {
    if (minutes === null || minutes === undefined) { return "—"; }
    var seconds = Math.round(minutes * 60);
    if (seconds < 60) { return seconds + " s"; }
    if (seconds < 3600) {
      var m = Math.floor(seconds / 60), s = seconds % 60;
      return s ? m + " min " + String(s).padStart(2, "0") + " s" : m + " min";
    }
    var totalMinutes = Math.round(seconds / 60);
    if (totalMinutes < 1440) {
      return Math.floor(totalMinutes / 60) + " h " + String(totalMinutes % 60).padStart(2, "0");
    }
    var hours = Math.round(seconds / 3600);
    var d = Math.floor(hours / 24), h = hours % 24;
    return h ? d + " j " + h + " h" : d + " j";
  }
  var datasets = data.series.map(function (serie) {
    return {
      label: serie.label,
      data: serie.minutes,
      borderColor: colors[serie.code] || "#333",
      backgroundColor: colors[serie.code] || "#333",
      borderDash: dashes[serie.code] || [],
      spanGaps: true,
      tension: 0.2,
      pointRadius: 3,
    };
  });
  Object.keys(data.targets).forEach(function (code) {
    var serie = data.series.find(function (s) { return s.code === code; });
    if (!serie) { return; }
    datasets.push({
      label: serie.label + " : objectif",
      data: data.labels.map(function () { return data.targets[code]; }),
      borderColor: colors[code],
      borderWidth: 1,
      borderDash: [3, 3],
      pointRadius: 0,
      fill: false,
    });
  });
  var ticks = [0.5, 1, 2, 3, 5, 10, 30, 60, 240, 1440, 4320];
  new window.Chart(canvas, {
    type: "line",
    data: { labels: data.labels, datasets: datasets },
    options: {
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: "index", intersect: false },
      scales: {
        y: {
          type: "logarithmic",
          afterBuildTicks: function (axis) {
            axis.ticks = ticks.filter(function (v) { return v >= axis.min && v <= axis.max; })
              .map(function (v) { return { value: v }; });
          },
          ticks: { callback: function (value) { return label(value); } },
        },
      },
      plugins: {
        legend: { position: "bottom", labels: { boxWidth: 18 } },
        tooltip: { callbacks: { label: function (ctx) { return ctx.dataset.label + " : " + label(ctx.parsed.y); } } },
      },
    },
  });
})();
