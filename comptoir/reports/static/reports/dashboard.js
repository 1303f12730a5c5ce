// « Tableau de bord du service »: draws each chart found on the page from the JSON data. Every
// chart has its numbers in a table (<details>) next to it: the text alternative.
(function () {
  "use strict";
  // Typing a date picks « Du … au … ».
  ["du", "au"].forEach(function (id) {
    var input = document.getElementById(id);
    var custom = document.getElementById("periode-perso");
    if (input && custom) {
      input.addEventListener("change", function () { custom.checked = true; });
    }
  });
  var source = document.getElementById("dashboard-data");
  if (!source || !window.Chart) { return; }
  var data = JSON.parse(source.textContent);
  var t = data.text;
  var palette = {
    phone: "#0b5cad", email: "#b35900", portal: "#1a7f37", office: "#57606a", technician: "#8250df",
  };
  var number = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 1 });
  function hours(value) {
    if (value === null || value === undefined) { return "—"; }
    var minutes = Math.round(value * 60);
    if (minutes < 60) { return minutes + " " + t.min; }
    if (minutes < 1440) { return Math.floor(minutes / 60) + " h " + String(minutes % 60).padStart(2, "0"); }
    var h = Math.round(value), d = Math.floor(h / 24);
    return h % 24 ? d + " j " + (h % 24) + " h" : d + " j";
  }
  function base(extra) {
    var options = {
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: "index", intersect: false },
      plugins: { legend: { position: "bottom", labels: { boxWidth: 14 } } },
      scales: {},
    };
    Object.keys(extra || {}).forEach(function (key) { options[key] = extra[key]; });
    return options;
  }
  function target(label, value, color) {
    return {
      type: "line", label: label, data: data.labels.map(function () { return value; }),
      borderColor: color, borderWidth: 1, borderDash: [4, 4], pointRadius: 0, fill: false,
    };
  }
  var builders = {
    channels: function () {
      return {
        type: "bar",
        data: {
          labels: data.labels,
          datasets: data.channels.map(function (s) {
            return { label: s.label, data: s.counts, backgroundColor: palette[s.code] || "#333" };
          }),
        },
        options: base({
          scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
        }),
      };
    },
    times: function () {
      var values = data.times.first_response.concat(data.times.resolution).filter(function (v) { return v !== null; });
      var top = Math.max.apply(null, values.concat([1]));
      // Round steps: days beyond two days, 4 hours beyond 8 hours, else Chart.js' own.
      var step = top > 48 ? 24 : top > 8 ? 4 : undefined;
      var options = base({ scales: { y: { beginAtZero: true, ticks: { callback: hours, stepSize: step } } } });
      options.plugins.tooltip = { callbacks: { label: function (ctx) { return ctx.dataset.label + " : " + hours(ctx.parsed.y); } } };
      return {
        type: "line",
        data: {
          labels: data.labels,
          datasets: [
            { label: t.first_response, data: data.times.first_response, borderColor: "#0b5cad", backgroundColor: "#0b5cad", spanGaps: true, tension: 0.2 },
            { label: t.resolution, data: data.times.resolution, borderColor: "#b35900", backgroundColor: "#b35900", borderDash: [6, 3], spanGaps: true, tension: 0.2 },
          ],
        },
        options: options,
      };
    },
    sla: function () {
      var options = base({ scales: { y: { min: 0, max: 100, ticks: { callback: function (v) { return v + " %"; } } } } });
      options.plugins.tooltip = { callbacks: { label: function (ctx) { return ctx.dataset.label + " : " + (ctx.parsed.y === null ? "—" : number.format(ctx.parsed.y) + " %"); } } };
      return {
        type: "line",
        data: {
          labels: data.labels,
          datasets: [
            { label: t.sla, data: data.sla.rates, borderColor: "#0b5cad", backgroundColor: "#0b5cad", spanGaps: true },
            { label: t.calls, data: data.calls.rates, borderColor: "#1a7f37", backgroundColor: "#1a7f37", borderDash: [6, 3], spanGaps: true },
            target(t.sla_target, data.sla.target, "#0b5cad"),
            target(t.calls_target, data.calls.target, "#1a7f37"),
          ],
        },
        options: options,
      };
    },
    satisfaction: function () {
      return {
        type: "line",
        data: {
          labels: data.labels,
          datasets: [
            { label: t.csat, data: data.satisfaction.csat, borderColor: "#8250df", backgroundColor: "#8250df", yAxisID: "y", spanGaps: true },
            { label: "NPS", data: data.satisfaction.nps, borderColor: "#b35900", backgroundColor: "#b35900", borderDash: [6, 3], yAxisID: "nps", spanGaps: true },
          ],
        },
        options: base({
          scales: {
            y: { min: 1, max: 5, position: "left", title: { display: true, text: "CSAT" } },
            nps: { min: -100, max: 100, position: "right", grid: { drawOnChartArea: false }, title: { display: true, text: "NPS" } },
          },
        }),
      };
    },
    workload: function () {
      var options = base({ indexAxis: "y", scales: { x: { beginAtZero: true, title: { display: true, text: t.hours } } } });
      options.interaction = { mode: "index", axis: "y", intersect: false };
      return {
        type: "bar",
        data: {
          labels: data.workload.names,
          datasets: [
            { label: t.booked, data: data.workload.booked, backgroundColor: "#0b5cad" },
            { label: t.capacity, data: data.workload.capacity, backgroundColor: "#c9d6e3" },
          ],
        },
        options: options,
      };
    },
    needs: function () {
      return {
        type: "bar",
        data: {
          labels: data.labels,
          datasets: [
            { label: t.captured, data: data.needs.captured, backgroundColor: "#8250df" },
            { label: t.converted, data: data.needs.converted, backgroundColor: "#1a7f37" },
          ],
        },
        options: base({ scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }),
      };
    },
  };
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var build = builders[canvas.getAttribute("data-chart")];
    if (build) { new window.Chart(canvas, build()); }
  });
})();
