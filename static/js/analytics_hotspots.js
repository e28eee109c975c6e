// Draws an emerging-hot-spot run's cells on the map, coloured by category, with a tooltip each.
(function () {
  "use strict";
  const element = document.getElementById("hotspot-map");
  if (!element) return;
  const colours = JSON.parse(document.getElementById("hotspot-colours").textContent);
  const labels = JSON.parse(document.getElementById("hotspot-labels").textContent);
  const map = L.map(element).setView([-11.99, -77.12], 12);
  if (element.dataset.tileUrl) {
    L.tileLayer(element.dataset.tileUrl, {
      maxZoom: 19,
      attribution: element.dataset.tileAttribution,
    }).addTo(map);
  }
  fetch(element.dataset.runUrl, { headers: { Accept: "application/json" } })
    .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
    .then((run) => {
      const collection = run.result.map;
      const layer = L.geoJSON(collection, {
        style: (feature) => ({
          color: colours[feature.properties.category] || "#6b7280",
          weight: 0.5,
          fillOpacity: 0.65,
        }),
        onEachFeature: (feature, featureLayer) => {
          const p = feature.properties;
          featureLayer.bindTooltip(
            (labels[p.category] || p.category) + (p.district ? " · " + p.district : "")
          );
        },
      }).addTo(map);
      if (collection.features.length) map.fitBounds(layer.getBounds());
      element.dataset.loadedFeatures = String(collection.features.length);
    })
    .catch(() => {
      element.dataset.loadedFeatures = "error";
    });
})();
