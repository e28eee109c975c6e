// Patrol zones of the current shift on a Leaflet map, from /api/forecasts/current/.
(function () {
  "use strict";
  const element = document.getElementById("patrol-map");
  if (!element) return;
  const map = L.map(element).setView([-11.99, -77.12], 12);
  if (element.dataset.tileUrl) {
    L.tileLayer(element.dataset.tileUrl, { maxZoom: 19, attribution: element.dataset.tileAttribution }).addTo(map);
  }
  fetch(element.dataset.zonesUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
    .then((response) => response.json())
    .then((collection) => {
      const layer = L.geoJSON(collection, {
        style: (feature) => ({
          color: feature.properties.exploration ? "#7c3aed" : "#b91c1c",
          weight: 2,
          fillOpacity: 0.35,
          dashArray: feature.properties.exploration ? "4 4" : null,
        }),
        onEachFeature: (feature, shape) => {
          const p = feature.properties;
          const box = document.createElement("div");
          const title = document.createElement("strong");
          title.textContent = element.dataset.labelRank + " " + p.rank + " · " + p.district_name;
          const expected = document.createElement("p");
          expected.textContent = p.expected_incidents + " " + element.dataset.labelExpected;
          const reason = document.createElement("p");
          reason.textContent = p.reason;
          box.append(title, expected, reason);
          shape.bindPopup(box);
          shape.bindTooltip(String(p.rank), { permanent: true, direction: "center", className: "zone-rank" });
        },
      }).addTo(map);
      if (collection.features.length) map.fitBounds(layer.getBounds(), { maxZoom: 15 });
      element.dataset.zonesLoaded = String(collection.features.length);
    });
})();
