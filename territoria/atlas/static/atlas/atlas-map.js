/* The atlas map (Leaflet + Leaflet.markercluster): every placed action of the selection, in one compact answer of
   /api/atlas/v1/map ([id, lat, lon, enjeu]), drawn as circle markers on a canvas and clustered, which stays
   smooth with tens of thousands of actions. Département outlines give a background without tile servers.
   A marker's popup reads the action from /api/atlas/v1/actions/{id}. Every text is set with textContent. */
(function () {
  "use strict";
  const labels = JSON.parse((document.getElementById("atlas-map-i18n") || {}).textContent || "{}");
  // 16 distinguishable colours, one per enjeu (E01…E16), dark enough for white outlines.
  const COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
    "#17becf", "#ff7f0e", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd"];

  function colour(code) {
    const n = parseInt(String(code || "").replace(/\D/g, ""), 10);
    return isNaN(n) ? "#555" : COLOURS[(n - 1) % COLOURS.length];
  }

  function say(template, value) { return (template || "").replace("%s", value); }

  function init(root) {
    const config = JSON.parse(document.getElementById(root.dataset.config).textContent);
    const canvas = root.querySelector("[data-map-canvas]");
    const status = root.querySelector("[data-map-status]");
    const map = L.map(canvas, { preferCanvas: true, minZoom: 2, maxZoom: 18 }).setView([46.6, 2.4], 5);
    map.attributionControl.setPrefix('<a href="https://leafletjs.com/">Leaflet</a>');
    if (config.tiles) L.tileLayer(config.tiles, { attribution: config.attribution, maxZoom: 19 }).addTo(map);
    L.control.scale({ imperial: false }).addTo(map);
    // Département outlines under the actions, in a pane of their own below the markers.
    map.createPane("outlines").style.zIndex = 350;
    const outlines = L.canvas({ pane: "outlines" });
    fetch(config.outlines).then(function (r) { return r.ok ? r.json() : null; }).then(function (geo) {
      if (!geo) return;
      L.geoJSON(geo, {
        pane: "outlines", renderer: outlines, interactive: false,
        style: { color: "#6b6b7b", weight: 0.8, fill: true, fillColor: "#ffffff", fillOpacity: 0.7 },
      }).addTo(map);
    }).catch(function () {});
    const cluster = L.markerClusterGroup({ chunkedLoading: true, showCoverageOnHover: false, maxClusterRadius: 45 });
    cluster.addTo(map);
    const popup = L.popup({ maxWidth: 320 });

    function openAction(id, latlng) {
      const box = document.createElement("div");
      box.className = "atlas-popup";
      box.textContent = labels.loadingAction;
      popup.setLatLng(latlng).setContent(box).openOn(map);
      fetch(config.action + id, { headers: { Accept: "application/json" } })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (a) {
          box.textContent = "";
          const title = document.createElement("a");
          title.href = a.url;
          title.className = "atlas-popup-title";
          title.textContent = a.title;
          const meta = document.createElement("p");
          meta.textContent = [a.collectivite, a.start_date ? a.start_date.slice(0, 4) : ""].filter(Boolean).join(" · ");
          const enjeux = document.createElement("p");
          enjeux.textContent = (a.enjeux || []).map(function (e) { return e.label; }).join(", ");
          const summary = document.createElement("p");
          summary.textContent = (a.summary || "").slice(0, 220);
          box.append(title, meta, enjeux, summary);
        })
        .catch(function () { box.textContent = labels.failed; });
    }

    status.textContent = labels.loading;
    fetch(config.points, { headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) {
        const markers = data.points.map(function (p) {
          const marker = L.circleMarker([p[1], p[2]], {
            radius: 6, color: "#fff", weight: 1, fillColor: colour(p[3]), fillOpacity: 0.9,
          });
          marker.on("click", function () { openAction(p[0], marker.getLatLng()); });
          return marker;
        });
        cluster.addLayers(markers);
        if (markers.length) {
          // Mainland France first: a few overseas actions would otherwise zoom the map out to the whole world.
          const mainland = markers.filter(function (m) {
            const p = m.getLatLng();
            return p.lat > 41 && p.lat < 51.6 && p.lng > -5.8 && p.lng < 10;
          });
          const shown = mainland.length >= 0.8 * markers.length ? L.featureGroup(mainland) : cluster;
          map.fitBounds(shown.getBounds(), { maxZoom: 11, padding: [20, 20] });
          status.textContent = say(labels.count, markers.length.toLocaleString(document.documentElement.lang || "fr"));
        } else {
          status.textContent = labels.none;
        }
        root.dataset.loaded = String(markers.length);
      })
      .catch(function () { status.textContent = labels.failed; root.dataset.loaded = "error"; });
  }

  function start() {
    if (!window.L) return;
    document.querySelectorAll("[data-atlas-map]").forEach(init);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
