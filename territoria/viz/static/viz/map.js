/* Maps of a dataset (Leaflet + Leaflet.markercluster, no tiles unless the installation configures some).
   Asks /api/viz/v1/datasets/{id}/map for the visible box at each move: points (clustered here), clusters
   computed by the server when the box holds too many, or shapes (choropleth on a numeric column).
   Popups read the record from the records API. Every text is set with textContent: data is never HTML. */
(function () {
  "use strict";
  const labels = JSON.parse((document.getElementById("viz-map-i18n") || {}).textContent || "{}");
  const lang = document.documentElement.lang || "fr";
  const number = new Intl.NumberFormat(lang, { maximumFractionDigits: 2 });
  // Five blues, light to dark (ColorBrewer "Blues"); outlines in dark ink keep light fills visible.
  const CLASSES = ["#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c"];
  const NO_VALUE = "#d5d5de";
  const ACCENT = "#0b4f8a";
  const LIST_MAX = 500;

  function say(template) {
    const values = Array.prototype.slice.call(arguments, 1);
    let i = 0;
    return (template || "").replace(/%[sg]/g, function () { return values[i++]; });
  }

  function text(value) {
    if (value === null || value === undefined || value === "") return "—";
    if (value === true) return labels.yes;
    if (value === false) return labels.no;
    if (typeof value === "number") return number.format(value);
    if (typeof value === "object") {
      if ("lat" in value && "lon" in value) return "lat " + value.lat.toFixed(6) + ", lon " + value.lon.toFixed(6);
      return value.type ? value.type : JSON.stringify(value).slice(0, 120);
    }
    return String(value);
  }

  function init(root) {
    const config = JSON.parse(document.getElementById(root.dataset.config).textContent);
    const canvas = root.querySelector("[data-map-canvas]");
    const status = root.querySelector("[data-map-status]");
    const listBox = root.querySelector("[data-map-list-box]");
    const list = root.querySelector("[data-map-list]");
    const map = L.map(canvas, { minZoom: 1, maxZoom: 19, zoomSnap: 0.5 });
    map.attributionControl.setPrefix('<a href="https://leafletjs.com/">Leaflet</a>');
    if (config.tiles) {
      L.tileLayer(config.tiles, { attribution: config.attribution || "", maxZoom: 19 }).addTo(map);
    }
    L.control.scale({ imperial: false }).addTo(map);

    const clustered = L.markerClusterGroup({ chunkedLoading: true, showCoverageOnHover: false, maxClusterRadius: 50 });
    const serverClusters = L.layerGroup();
    let breaks = [];
    const shapes = L.geoJSON(null, { style: shapeStyle, onEachFeature: onShape });
    clustered.addTo(map);
    serverClusters.addTo(map);
    shapes.addTo(map);
    let legendControl = null;
    let controller = null;
    let timer = null;
    let asked = "";

    function classOf(value) {
      if (typeof value !== "number" || breaks.length < 2) return -1;
      const n = breaks.length - 1;
      for (let i = 1; i < breaks.length; i++) {
        if (value <= breaks[i]) return Math.round((i - 1) * (CLASSES.length - 1) / Math.max(1, n - 1));
      }
      return CLASSES.length - 1;
    }

    function shapeStyle(feature) {
      if (!config.value) return { color: ACCENT, weight: 1.2, fillColor: ACCENT, fillOpacity: 0.2 };
      const k = classOf(feature.properties.value);
      return { color: "#1b1b1f", weight: 0.8, fillColor: k < 0 ? NO_VALUE : CLASSES[k], fillOpacity: 0.85 };
    }

    const popup = L.popup({ maxWidth: 340, maxHeight: 320 });

    // One popup for the map (not bound to a layer): it stays open when the data of the box is redrawn.
    function openRecord(id, latlng) {
      const box = document.createElement("div");
      box.className = "viz-popup";
      box.textContent = labels.loadingRecord;
      popup.setLatLng(latlng).setContent(box).openOn(map);
      fetch(config.record + encodeURIComponent(id), { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.json().then(function (body) { return { ok: response.ok, body: body }; }); })
        .then(function (answer) {
          if (!answer.ok) throw new Error(answer.body.message);
          box.textContent = "";
          const heading = document.createElement("p");
          heading.className = "visually-hidden";
          heading.textContent = say(labels.record, id);
          box.appendChild(heading);
          const table = document.createElement("table");
          Object.keys(answer.body).forEach(function (key) {
            const value = answer.body[key];
            if (key === "_id" || (value && typeof value === "object" && !("lat" in value))) return;
            const row = table.insertRow();
            const th = document.createElement("th");
            th.scope = "row";
            th.textContent = (config.labels && config.labels[key]) || key;
            row.appendChild(th);
            row.insertCell().textContent = text(value);
          });
          box.appendChild(table);
          popup.update();
        })
        .catch(function () { box.textContent = labels.recordFailed; });
    }

    function onShape(feature, layer) {
      const p = feature.properties;
      const name = p.label ? String(p.label) : say(labels.record, p._id);
      layer.bindTooltip(config.value ? name + " : " + text(p.value) : name, { sticky: true });
      layer.on("click", function (event) { openRecord(p._id, event.latlng); });
    }

    function pointMarker(point) {
      const id = point[0];
      const name = point[3] ? String(point[3]) : say(labels.record, id);
      const marker = L.marker([point[2], point[1]], {
        icon: L.divIcon({ className: "viz-point", iconSize: [14, 14] }),
        title: name,
        keyboard: true,
        recordId: id
      });
      marker.on("click", function () { openRecord(id, marker.getLatLng()); });
      return marker;
    }

    function clusterMarker(cluster) {
      const size = document.createElement("div");
      const inner = document.createElement("span");
      inner.textContent = number.format(cluster.count);
      size.appendChild(inner);
      const marker = L.marker([cluster.lat, cluster.lon], {
        icon: L.divIcon({ className: "viz-cluster", html: size, iconSize: [40, 40] }),
        title: say(labels.cluster, number.format(cluster.count)),
        keyboard: true
      });
      marker.on("click", function () {
        const b = cluster.bbox;
        if (b[0] === b[2] && b[1] === b[3]) map.setView([b[1], b[0]], Math.min(map.getZoom() + 3, 19));
        else map.fitBounds([[b[1], b[0]], [b[3], b[2]]], { padding: [30, 30] });
      });
      return marker;
    }

    function listItem(name, layer) {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = name;
      button.addEventListener("click", function () {
        if (layer.getBounds) {
          const bounds = layer.getBounds();
          openRecord(layer.feature.properties._id, bounds.getCenter());
        } else {
          openRecord(layer.options.recordId, layer.getLatLng());
        }
        canvas.scrollIntoView({ block: "nearest" });
      });
      item.appendChild(button);
      return item;
    }

    function fillList(items, total) {
      list.textContent = "";
      items.sort(function (a, b) { return a[0].localeCompare(b[0], lang, { numeric: true }); });
      items.slice(0, LIST_MAX).forEach(function (pair) { list.appendChild(listItem(pair[0], pair[1])); });
      if (total > LIST_MAX) {
        const more = document.createElement("li");
        more.textContent = say(labels.listMore, number.format(total - LIST_MAX));
        list.appendChild(more);
      }
      listBox.hidden = items.length === 0;
    }

    function drawLegend(legend) {
      if (legendControl) legendControl.remove();
      legendControl = null;
      breaks = legend && legend.breaks ? legend.breaks : [];
      if (!legend || breaks.length < 2) return;
      legendControl = L.control({ position: "bottomright" });
      legendControl.onAdd = function () {
        const box = L.DomUtil.create("div", "viz-legend");
        const title = document.createElement("h3");
        title.textContent = legend.label;
        box.appendChild(title);
        const ul = document.createElement("ul");
        for (let i = 1; i < breaks.length; i++) {
          const li = document.createElement("li");
          const swatch = document.createElement("span");
          swatch.className = "swatch";
          swatch.style.background = CLASSES[classOf(breaks[i])];
          swatch.setAttribute("aria-hidden", "true");
          li.appendChild(swatch);
          li.appendChild(document.createTextNode(say(labels.range, number.format(breaks[i - 1]), number.format(breaks[i]))));
          ul.appendChild(li);
        }
        const none = document.createElement("li");
        const swatch = document.createElement("span");
        swatch.className = "swatch";
        swatch.style.background = NO_VALUE;
        none.appendChild(swatch);
        none.appendChild(document.createTextNode(labels.legendNone));
        ul.appendChild(none);
        box.appendChild(ul);
        return box;
      };
      legendControl.addTo(map);
    }

    function draw(body) {
      clustered.clearLayers();
      serverClusters.clearLayers();
      shapes.clearLayers();
      const items = [];
      if (body.kind === "shapes") {
        drawLegend(body.legend);
        shapes.addData(body.features);
        shapes.eachLayer(function (layer) {
          const p = layer.feature.properties;
          items.push([p.label ? String(p.label) : say(labels.record, p._id), layer]);
        });
        status.textContent = body.total ? say(labels.shapes, number.format(body.total)) : labels.none;
      } else {
        drawLegend(null);
        const markers = (body.points || []).map(pointMarker);
        clustered.addLayers(markers);
        markers.forEach(function (m) { items.push([m.options.title, m]); });
        if (body.kind === "clusters") {
          body.clusters.forEach(function (c) { serverClusters.addLayer(clusterMarker(c)); });
          status.textContent = say(labels.clusters, number.format(body.total), number.format(body.clusters.length + markers.length));
        } else {
          status.textContent = body.total ? say(labels.points, number.format(body.total)) : labels.none;
        }
      }
      fillList(items, body.kind === "clusters" ? items.length : body.total);
      root.dataset.kind = body.kind;
      root.dataset.total = String(body.total);
      root.dataset.state = "ready";
    }

    function load() {
      const b = map.getBounds();
      const box = [
        Math.max(-180, b.getWest()), Math.max(-90, b.getSouth()),
        Math.min(180, b.getEast()), Math.min(90, b.getNorth())
      ].map(function (v) { return v.toFixed(6); });
      const params = new URLSearchParams({ bbox: box.join(","), zoom: String(Math.max(0, Math.round(map.getZoom()))) });
      if (config.value) params.set("value", config.value);
      if (config.where) params.set("where", config.where);  // a dashboard block's conditions and page filters
      if (params.toString() === asked) return;
      asked = params.toString();
      if (controller) controller.abort();
      controller = new AbortController();
      root.dataset.state = "loading";
      fetch(config.api + "?" + params.toString(), {
        signal: controller.signal, headers: { Accept: "application/json" }, credentials: "same-origin"
      })
        .then(function (response) { return response.json().then(function (body) { return { ok: response.ok, body: body }; }); })
        .then(function (answer) {
          if (!answer.ok) throw new Error(answer.body.message || "");
          draw(answer.body);
        })
        .catch(function (error) {
          if (error.name === "AbortError") return;
          asked = "";
          root.dataset.state = "failed";
          status.textContent = labels.failed + " " + (error.message || "");
        });
    }

    map.on("moveend", function () {
      clearTimeout(timer);
      timer = setTimeout(load, 200);
    });
    const b = config.bbox;
    if (b && b.length === 4) map.fitBounds([[b[1], b[0]], [b[3], b[2]]], { padding: [20, 20], maxZoom: 15 });
    else map.setView([46.6, 2.4], 5);
    load();
  }

  function start() {
    if (!window.L) return;
    document.querySelectorAll("[data-viz-map]").forEach(init);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
