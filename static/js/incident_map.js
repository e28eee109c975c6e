// Incident map: PostGIS vector tiles drawn by Leaflet.VectorGrid, filtered by the form's values.
(function () {
  "use strict";
  const element = document.getElementById("incident-map");
  if (!element) return;
  const form = document.getElementById("incident-filters");
  const params = new URLSearchParams();
  for (const [key, value] of new FormData(form).entries()) {
    if (value) params.set(key, value);
  }
  const query = params.toString() ? "?" + params.toString() : "";

  const map = L.map(element, { preferCanvas: true }).setView([-11.99, -77.12], 11);
  if (element.dataset.tileUrl) {
    L.tileLayer(element.dataset.tileUrl, { maxZoom: 19, attribution: element.dataset.tileAttribution }).addTo(map);
  }
  fetch(element.dataset.districtsUrl, { headers: { Accept: "application/json" } })
    .then((response) => response.json())
    .then((collection) => {
      L.geoJSON(collection, { style: { color: "#334155", weight: 1, fill: false }, interactive: false }).addTo(map);
    });

  const tiles = element.dataset.tilesUrl.replace("/0/0/0.mvt", "/{z}/{x}/{y}.mvt") + query;
  const layer = L.vectorGrid.protobuf(tiles, {
    rendererFactory: L.canvas.tile,
    maxNativeZoom: 18,
    interactive: false,
    vectorTileLayerStyles: {
      incidents: (properties, zoom) => {
        const count = properties.count || 1;
        return {
          // A cell has a count; a single incident (zoomed in, few in the tile) has none.
          radius: properties.count ? Math.min(3 + Math.sqrt(count), 14) : 4,
          fill: true,
          fillColor: "#dc2626",
          fillOpacity: 0.55,
          color: "#7f1d1d",
          weight: 0.5,
        };
      },
    },
  }).addTo(map);
  layer.on("load", () => { element.dataset.tilesLoaded = "true"; });

  fetch(element.dataset.statsUrl + query, { headers: { Accept: "application/json" } })
    .then((response) => response.json())
    .then((stats) => {
      const total = new Intl.NumberFormat(document.documentElement.lang || "es-PE").format(stats.total);
      document.getElementById("incident-total").textContent = total + " " + element.dataset.labelTotal;
      element.dataset.total = String(stats.total);
    });
})();
