// Maps of deposits and monitoring points: clustered markers over the country and region outlines, a legend for
// every colour, popups in the page's language. Tiles are optional (MAP_TILE_URL), so the map also works with no
// network at all: then the region outlines and their names are what a zoomed map shows.
// The page passes everything by json_script (a strict CSP allows no inline script): #map-settings, #map-points.
// A monitoring point's ring and popup show its latest results, which change with every evaluated submission: they
// are fetched (the rings from config.ring_states, a popup's results from its point's `latest` when it opens), so
// that the page itself shows only the points and stays cached.
(function () {
  "use strict";
  const element = document.getElementById("map");
  if (!element) return;
  const config = JSON.parse(document.getElementById("map-settings").textContent);
  const labels = config.labels;
  const language = window.qaldyqLocale;
  const map = L.map(element, { maxZoom: 18 });
  if (config.bounds) {
    // A region's page shows its region (the box of its outline, or of its deposits where no outline is installed),
    // from the start: no zoom animation from the country's view, during which clusters are drawn twice.
    map.fitBounds(config.bounds, { padding: [8, 8], animate: false });
    element.dataset.fitted = "1";
  } else {
    map.setView([48.0, 67.0], 4);
  }
  if (config.tiles) {
    L.tileLayer(config.tiles, { attribution: config.attribution, maxZoom: 18 }).addTo(map);
  }
  fetch(config.outline)
    .then((response) => response.json())
    .then((outline) => {
      const layer = L.geoJSON(outline, { style: { color: "#557", weight: 1.5, fillColor: "#f7f5ee", fillOpacity: 1 } });
      layer.addTo(map).bringToBack();
      if (!element.dataset.fitted) map.fitBounds(layer.getBounds());
    });
  // Region names are written only when the map is zoomed in enough for them not to overlap.
  const NAMES_FROM_ZOOM = 6;
  fetch(config.regions)
    .then((response) => response.json())
    .then((regions) => {
      L.geoJSON(regions, {
        interactive: false,
        style: { color: "#778", weight: 1, dashArray: "4 3", fill: false },
        onEachFeature: (feature, layer) => {
          if (feature.properties.name) {
            layer.bindTooltip(feature.properties.name, {
              permanent: true, direction: "center", className: "region-name", interactive: false,
            });
          }
        },
      }).addTo(map);
      showNames();
    });
  function showNames() {
    element.classList.toggle("region-names", map.getZoom() >= NAMES_FROM_ZOOM);
  }
  map.on("zoomend", showNames);
  // The box shown, for the browser tests ("west,south,east,north").
  function recordView() {
    element.dataset.view = map.getBounds().toBBoxString();
  }
  map.on("moveend", recordView);
  recordView();

  // Deposit kinds and monitoring media, each its colour (the legend names them all).
  const colours = {
    mining: "#8d6e63", mining_processing: "#1e88e5", chemical_metallurgical: "#c62828", energy: "#616161",
    air: "#7e57c2", soil: "#8d6e63", groundwater: "#00897b", surface_water: "#1e88e5",
  };
  // A point's state by its ring's width and dash, so that it does not rest on colour alone.
  const rings = {
    exceeding: { color: "#b71c1c", weight: 4, dashArray: null },
    within: { color: "#222", weight: 1, dashArray: null },
    none: { color: "#222", weight: 1, dashArray: "2 3" },
  };

  const legend = L.control({ position: "bottomright" });
  legend.onAdd = function () {
    const box = L.DomUtil.create("div", "map-legend");
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", labels.legend);
    const title = L.DomUtil.create("strong", "", box);
    title.textContent = labels.legend;
    const list = L.DomUtil.create("ul", "", box);
    config.legend.forEach((entry) => {
      const item = L.DomUtil.create("li", "", list);
      item.dataset.kind = entry.kind;
      const swatch = L.DomUtil.create("span", "swatch", item);
      swatch.style.backgroundColor = colours[entry.kind] || "#555";
      item.append(" " + entry.label);
    });
    config.states.forEach((entry) => {
      const item = L.DomUtil.create("li", "", list);
      item.dataset.state = entry.state;
      L.DomUtil.create("span", "ring " + entry.state, item);
      item.append(" " + entry.label);
    });
    L.DomEvent.disableClickPropagation(box);
    return box;
  };
  legend.addTo(map);

  const clusters = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 40 });
  map.addLayer(clusters);

  function escape(text) {
    const span = document.createElement("span");
    span.textContent = text == null ? "" : String(text);
    return span.innerHTML;
  }

  function number(value, digits) {
    return value.toLocaleString(language, { maximumFractionDigits: digits });
  }

  // Tonnes as t, kt or Mt by size: a small dump is "850 t", not "0 Mt".
  function tonnage(tonnes) {
    const [value, unit] = tonnes >= 1e6 ? [tonnes / 1e6, labels.Mt] : tonnes >= 1e3 ? [tonnes / 1e3, labels.kt] : [tonnes, labels.t];
    return `${number(value, value < 10 ? 2 : value < 100 ? 1 : 0)}\u00a0${escape(unit)}`;
  }

  function date(iso) {
    return new Date(iso).toLocaleDateString(language, { timeZone: "UTC" });
  }

  function depositPopup(p) {
    return `<strong><a href="${encodeURI(p.url)}">${escape(p.name)}</a></strong><br>` +
      `${escape(p.operator)}<br>${escape(labels.tonnage)}: <span class="tonnage">${tonnage(p.t)}</span>`;
  }

  function resultLine(r) {
    const value = `${r.below_detection ? "&lt;\u00a0" : ""}${number(r.value, 4)}\u00a0${escape(r.unit)}`;
    const ratio = r.ratio == null ? "" : ` (${number(r.ratio, 2)}\u00a0×\u00a0${escape(labels.mpc)})`;
    const mark = r.exceeds ? "<strong>⚠\u00a0" : "";
    return `<li data-pollutant="${escape(r.pollutant)}">${mark}<a href="${encodeURI(r.chart)}">${escape(r.name)}</a>: ` +
      `${value}${ratio}${r.exceeds ? "</strong>" : ""} · ${date(r.date)}` +
      `${r.below_detection ? ` · ${escape(labels.below)}` : ""}</li>`;
  }

  // `latest`: the point's latest results as fetched, undefined while they load, null when they could not be.
  function pointPopup(p, latest) {
    const name = latest && latest.url ? `<a href="${encodeURI(latest.url)}">${escape(p.name)}</a>` : escape(p.name);
    let results;
    if (latest === undefined) {
      results = `<br><em class="popup-loading">${escape(labels.loading)}</em>`;
    } else if (latest === null) {
      results = `<br><em>${escape(labels.failed)}</em>`;
    } else if (latest.results.length) {
      results = `<br>${escape(labels.latest)}:<ul class="popup-results">${latest.results.map(resultLine).join("")}</ul>`;
    } else {
      results = `<br><em>${escape(labels.none)}</em>`;
    }
    return `<strong>${name}</strong><br>${escape(p.operator)}${results}`;
  }

  // Read once per page: a popup opened again shows what was fetched.
  function openPoint(p, marker) {
    if (p.fetched) return;
    p.fetched = true;
    fetch(p.latest, { headers: { Accept: "application/json" } })
      .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
      .then((latest) => marker.setPopupContent(pointPopup(p, latest)))
      .catch(() => {
        p.fetched = false;
        marker.setPopupContent(pointPopup(p, null));
      });
  }

  function showStates(markers) {
    if (!config.ring_states || !Object.keys(markers).length) return;
    fetch(config.ring_states, { headers: { Accept: "application/json" } })
      .then((response) => response.json())
      .then((states) => {
        Object.entries(markers).forEach(([pk, marker]) => marker.setStyle(rings[states[pk] || "none"]));
        element.dataset.states = "1";
      });
  }

  function draw() {
    const source = document.getElementById("map-points");
    if (!source) return;
    const points = JSON.parse(source.textContent);
    clusters.clearLayers();
    const markers = {};
    points.forEach((p) => {
      const isPoint = p.latest !== undefined;
      const radius = isPoint ? 7 : Math.max(5, Math.min(16, 4 + Math.log10(1 + p.t / 1e6) * 6));
      const marker = L.circleMarker([p.lat, p.lon], {
        radius: radius, color: "#222", weight: 1, fillColor: colours[p.kind] || "#555", fillOpacity: 0.85,
        ...(isPoint ? rings.none : {}),
      });
      if (isPoint) {
        marker.bindPopup(pointPopup(p, undefined));
        marker.on("popupopen", () => openPoint(p, marker));
        markers[p.pk] = marker;
      } else {
        marker.bindPopup(depositPopup(p));
      }
      clusters.addLayer(marker);
    });
    showStates(markers);
    if (element.classList.contains("small") && points.length === 1) {
      map.setView([points[0].lat, points[0].lon], 9);
      element.dataset.fitted = "1";
    }
  }
  draw();
  document.body.addEventListener("htmx:afterSwap", draw);
})();
