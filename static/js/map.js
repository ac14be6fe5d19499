// Deposit map: clustered markers over the country outline. Tiles are optional (MAP_TILE_URL),
// so the map also works with no network at all.
(function () {
  "use strict";
  const element = document.getElementById("map");
  if (!element) return;
  const config = JSON.parse(document.getElementById("map-settings").textContent);
  const map = L.map(element, { maxZoom: 18 }).setView([48.0, 67.0], 4);
  if (config.tiles) {
    L.tileLayer(config.tiles, { attribution: config.attribution, maxZoom: 18 }).addTo(map);
  }
  fetch(config.outline)
    .then((response) => response.json())
    .then((outline) => {
      const layer = L.geoJSON(outline, { style: { color: "#557", weight: 1, fillColor: "#f4f1e8", fillOpacity: 1 } });
      layer.addTo(map).bringToBack();
      if (!element.dataset.fitted) map.fitBounds(layer.getBounds());
    });

  const colours = { mining: "#8d6e63", mining_processing: "#1e88e5", chemical_metallurgical: "#c62828", energy: "#616161" };
  const clusters = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 40 });
  map.addLayer(clusters);

  function escape(text) {
    const span = document.createElement("span");
    span.textContent = text;
    return span.innerHTML;
  }

  function draw() {
    const source = document.getElementById("map-points");
    if (!source) return;
    const points = JSON.parse(source.textContent);
    clusters.clearLayers();
    points.forEach((p) => {
      const radius = Math.max(5, Math.min(16, 4 + Math.log10(1 + p.mt) * 6));
      const marker = L.circleMarker([p.lat, p.lon], {
        radius: radius, color: "#222", weight: 1, fillColor: colours[p.kind] || "#555", fillOpacity: 0.85,
      });
      marker.bindPopup(
        `<strong><a href="${encodeURI(p.url)}">${escape(p.name)}</a></strong><br>` +
        `${escape(p.operator)}<br>${p.mt.toLocaleString(document.documentElement.lang, { maximumFractionDigits: 2 })} Mt`
      );
      clusters.addLayer(marker);
    });
    if (element.classList.contains("small") && points.length === 1) {
      map.setView([points[0].lat, points[0].lon], 9);
      element.dataset.fitted = "1";
    }
  }
  draw();
  document.body.addEventListener("htmx:afterSwap", draw);
})();
