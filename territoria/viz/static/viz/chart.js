/* Draws every <figure data-vega-chart> of the page with vega-embed (Vega-Lite spec in a JSON script),
   offers PNG and SVG downloads. The same numbers are in the table under the chart. */
(function () {
  "use strict";
  const labels = JSON.parse((document.getElementById("viz-chart-i18n") || {}).textContent || "{}");
  const FRENCH = {
    number: { decimal: ",", thousands: "\u202f", grouping: [3], currency: ["", "\u00a0€"] },
    time: {
      dateTime: "%A %e %B %Y à %X", date: "%d/%m/%Y", time: "%H:%M:%S", periods: ["", ""],
      days: ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"],
      shortDays: ["dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."],
      months: ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"],
      shortMonths: ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."]
    }
  };

  function download(url, name) {
    const link = document.createElement("a");
    link.href = url;
    link.download = name;
    document.body.appendChild(link);
    link.click();
    link.remove();
  }

  function draw(figure) {
    const status = figure.querySelector("[data-chart-status]");
    const target = figure.querySelector("[data-chart-target]");
    let spec;
    try {
      spec = JSON.parse(document.getElementById(figure.dataset.spec).textContent);
    } catch (error) {
      status.textContent = labels.failed || "";
      return;
    }
    const options = {
      renderer: "svg",
      actions: { export: true, source: false, compiled: false, editor: false },
      i18n: labels,
      downloadFileName: figure.dataset.filename || "graphique"
    };
    if ((document.documentElement.lang || "").startsWith("fr")) {
      options.formatLocale = FRENCH.number;
      options.timeFormatLocale = FRENCH.time;
    }
    window.vegaEmbed(target, spec, options).then(function (result) {
      figure.dataset.rendered = "true";
      const box = figure.querySelector("[data-chart-downloads]");
      if (box) box.hidden = false;
      figure.querySelectorAll("[data-chart-download]").forEach(function (button) {
        button.addEventListener("click", function () {
          const format = button.dataset.chartDownload;
          result.view.toImageURL(format, format === "png" ? 2 : 1).then(function (url) {
            download(url, (figure.dataset.filename || "graphique") + "." + format);
          });
        });
      });
    }).catch(function () {
      figure.dataset.rendered = "failed";
      status.textContent = labels.failed || "";
    });
  }

  function start() {
    if (!window.vegaEmbed) return;
    document.querySelectorAll("[data-vega-chart]").forEach(draw);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
