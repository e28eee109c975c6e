// Draws the district boundaries served by /api/districts/ and lists them beside the map.
(function () {
  "use strict";
  const element = document.getElementById("district-map");
  if (!element) return;
  const map = L.map(element).setView([-11.99, -77.12], 11);
  const tileUrl = element.dataset.tileUrl;
  if (tileUrl) {
    L.tileLayer(tileUrl, { maxZoom: 19, attribution: element.dataset.tileAttribution }).addTo(map);
  }
  const list = document.getElementById("district-list");
  fetch(element.dataset.geojsonUrl, { headers: { Accept: "application/json" } })
    .then((response) => {
      if (!response.ok) throw new Error(response.statusText);
      return response.json();
    })
    .then((collection) => {
      const layer = L.geoJSON(collection, {
        style: { color: "#1d4ed8", weight: 2, fillOpacity: 0.08 },
        onEachFeature: (feature, featureLayer) => {
          featureLayer.bindTooltip(feature.properties.name);
          const item = document.createElement("li");
          item.textContent = feature.properties.name + " (" + feature.properties.ubigeo + ")";
          list.appendChild(item);
        },
      }).addTo(map);
      if (collection.features.length) map.fitBounds(layer.getBounds());
      element.dataset.loadedFeatures = String(collection.features.length);
    })
    .catch(() => {
      document.getElementById("map-error").hidden = false;
      element.dataset.loadedFeatures = "error";
    });
})();
