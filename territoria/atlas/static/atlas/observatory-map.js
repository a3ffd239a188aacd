/* The observatory's map: the départements coloured by their number of published actions (the same numbers are
   in the table beside it). Département outlines come with Territoria; no tile server is needed. Every text is set
   with textContent. */
(function () {
  "use strict";
  const CLASSES = ["#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c"];
  const NONE = "#f4f4f6";

  function init(root) {
    const config = JSON.parse(document.getElementById(root.dataset.config).textContent);
    const counts = config.counts || {};
    const values = Object.keys(counts).map(function (k) { return counts[k]; });
    const top = Math.max.apply(null, values.concat([1]));
    const map = L.map(root.querySelector("[data-map-canvas]"), { minZoom: 4, maxZoom: 10, zoomSnap: 0.25 });
    map.attributionControl.setPrefix('<a href="https://leafletjs.com/">Leaflet</a>');
    map.fitBounds([[41.3, -5.2], [51.1, 9.6]]);

    // Logarithmic classes: a département with many actions does not wash out those with a few.
    function colour(n) {
      if (!n) return NONE;
      const share = top > 1 ? Math.log(n) / Math.log(top) : 1;
      return CLASSES[Math.min(CLASSES.length - 1, Math.floor(share * CLASSES.length))];
    }

    fetch(config.outlines).then(function (r) { return r.json(); }).then(function (geo) {
      L.geoJSON(geo, {
        style: function (feature) {
          return { color: "#55556a", weight: 0.6, fillColor: colour(counts[feature.properties.code]), fillOpacity: 0.9 };
        },
        onEachFeature: function (feature, layer) {
          const box = document.createElement("div");
          const name = document.createElement("strong");
          name.textContent = feature.properties.code + " " + feature.properties.nom;
          const line = document.createElement("p");
          line.textContent = (config.label || "%s").replace("%s", String(counts[feature.properties.code] || 0));
          const link = document.createElement("a");
          link.href = config.explore + "?departement=" + encodeURIComponent(feature.properties.code);
          link.textContent = config.open;
          box.append(name, line, link);
          layer.bindPopup(box);
        },
      }).addTo(map);
      root.dataset.loaded = "true";
    }).catch(function () { root.dataset.loaded = "error"; });
  }

  function start() {
    if (!window.L) return;
    document.querySelectorAll("[data-observatory-map]").forEach(init);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
