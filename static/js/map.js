/* Monozukuri Portal maps, drawn with Leaflet over pages that work without JavaScript.
 *
 * [data-portal-map]  the /map/ page: the GeoJSON of data-features-url in clusters, a popup per place.
 * [data-point-map]   the small map of a detail page: one marker at data-latitude/data-longitude.
 *
 * Texts come translated from the page's data-text-* attributes. Map tiles come from OpenStreetMap; when
 * they cannot be loaded, the markers stay on a plain background and a note says so.
 */
(function () {
  "use strict";

  const HOKKAIDO = [[41.35, 139.3], [45.56, 145.85]];
  const TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
  const POPUP = { maxWidth: 260, autoPanPaddingTopLeft: [52, 12], autoPanPaddingBottomRight: [12, 12] };
  const ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors';

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  // People who asked their system for less motion get no animated zooms or spreading clusters.
  function reducedMotion() {
    return window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  }

  function createMap(container) {
    const texts = container.dataset;
    // No fading popups and markers: they are read at once by screen readers and checkers.
    const animate = !reducedMotion();
    const map = L.map(container, {
      zoomControl: false,
      fadeAnimation: false,
      zoomAnimation: animate,
      markerZoomAnimation: animate,
    });
    L.control.zoom({ zoomInTitle: texts.textZoomIn, zoomOutTitle: texts.textZoomOut }).addTo(map);
    const note = element("p", "map-note", texts.textTilesFailed);
    note.hidden = true;
    note.setAttribute("role", "status");
    container.after(note);
    L.tileLayer(TILES, {
      maxZoom: 18,
      attribution: ATTRIBUTION,
      // The site sends no Referer (same-origin policy); OpenStreetMap's tile servers ask for one.
      referrerPolicy: "strict-origin-when-cross-origin",
    })
      .on("tileerror", () => {
        note.hidden = false;
        container.classList.add("map-no-tiles");
      })
      .addTo(map);
    return map;
  }

  function placeIcon(place) {
    const label = element("span", "visually-hidden", place.name);
    return L.divIcon({
      className: "map-marker" + (place.approximate ? " map-marker-approximate" : ""),
      html: label,
      iconSize: [22, 22],
      iconAnchor: [11, 11],
      popupAnchor: [0, -10],
    });
  }

  function popupContent(place, texts) {
    const box = element("div", "map-popup");
    const title = element("p", "map-popup-title");
    const link = element("a", "", place.name);
    link.href = place.url;
    title.append(link);
    box.append(title, element("p", "", place.municipality));
    if (place.approximate) box.append(element("p", "map-popup-note", texts.textApproximate));
    return box;
  }

  function clusterIcon(texts) {
    return (cluster) => {
      const count = cluster.getChildCount();
      const html = element("span");
      html.append(element("span", "", String(count)));
      html.firstChild.setAttribute("aria-hidden", "true");
      html.append(element("span", "visually-hidden", texts.textCluster.replace("%(count)s", count)));
      const size = count < 10 ? 34 : count < 100 ? 40 : 48;
      return L.divIcon({ className: "map-cluster", html: html, iconSize: [size, size] });
    };
  }

  // Keyboard: Enter or Space on a marker or cluster does what a click does. A popup takes the focus;
  // Escape closes it and gives the focus back to its marker. An expanded cluster hands the focus on.
  function keyboard(map, clusters) {
    const container = map.getContainer();
    let source = null;
    map.on("popupopen", (event) => {
      source = event.popup._source;
      const popup = event.popup.getElement();
      const close = popup.querySelector(".leaflet-popup-close-button");
      if (close) close.setAttribute("aria-label", container.dataset.textClose);
      const link = popup.querySelector(".map-popup a");
      if (link) link.focus({ preventScroll: true });
    });
    container.addEventListener("keydown", (event) => {
      const target = event.target;
      if (event.key === "Escape" && target.closest(".leaflet-popup")) {
        map.closePopup();
        if (source && source.getElement()) source.getElement().focus();
        return;
      }
      if (event.key !== "Enter" && event.key !== " ") return;
      if (!target.classList.contains("map-marker") && !target.classList.contains("map-cluster")) return;
      event.preventDefault(); // no keypress: Leaflet would open the popup a second time, i.e. close it
      if (target.classList.contains("map-cluster")) {
        const zoomed = () => {
          clusters.off("spiderfied", spread);
          container.focus();
        };
        const spread = (spiderfied) => {
          map.off("zoomend", zoomed);
          const first = spiderfied.markers[0] && spiderfied.markers[0].getElement();
          if (first) first.focus();
        };
        map.once("zoomend", zoomed);
        clusters.once("spiderfied", spread);
      }
      target.click();
    });
  }

  function initPortalMap(container) {
    const texts = container.dataset;
    container.closest("[data-map-area]").hidden = false;
    const map = createMap(container);
    map.fitBounds(HOKKAIDO);
    const clusters = L.markerClusterGroup({
      showCoverageOnHover: false,
      chunkedLoading: true, // thousands of markers are added a slice at a time, the page stays responsive
      chunkProgress: (done, total) => {
        if (done === total) container.dataset.markers = String(total);
      },
      maxClusterRadius: 50,
      animate: !reducedMotion(),
      iconCreateFunction: clusterIcon(texts),
    });
    keyboard(map, clusters);

    fetch(texts.featuresUrl, { headers: { Accept: "application/geo+json" } })
      .then((response) => {
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        return response.json();
      })
      .then((collection) => {
        const markers = collection.features.map((feature) => {
          const [longitude, latitude] = feature.geometry.coordinates;
          const place = feature.properties;
          const marker = L.marker([latitude, longitude], { icon: placeIcon(place), title: place.name });
          marker.bindPopup(() => popupContent(place, texts), POPUP);
          return marker;
        });
        if (!markers.length) {
          container.dataset.markers = "0";
          return;
        }
        const bounds = L.latLngBounds(markers.map((marker) => marker.getLatLng()));
        map.fitBounds(bounds, { padding: [24, 24], maxZoom: 13, animate: false });
        // The clusters join the map once its view is set: no zoom animation is under way when it is ready.
        clusters.addLayers(markers);
        map.addLayer(clusters);
      })
      .catch(() => {
        const note = element("p", "map-note", texts.textLoadFailed);
        note.setAttribute("role", "alert");
        container.after(note);
        container.dataset.markers = "error";
      });
  }

  function initPointMap(container) {
    const texts = container.dataset;
    container.closest("[data-map-area]").hidden = false;
    const map = createMap(container);
    const approximate = texts.approximate === "true";
    const point = [parseFloat(texts.latitude), parseFloat(texts.longitude)];
    map.setView(point, approximate ? 12 : 15);
    L.marker(point, {
      icon: placeIcon({ name: texts.name, approximate: approximate }),
      interactive: false,
      keyboard: false,
    }).addTo(map);
    container.dataset.markers = "1";
  }

  if (typeof L === "undefined") return; // Leaflet did not load: the page works without the map
  document.querySelectorAll("[data-portal-map]").forEach(initPortalMap);
  document.querySelectorAll("[data-point-map]").forEach(initPointMap);
})();
