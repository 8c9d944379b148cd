/* The filter forms of the listings (/tours/, /events/): on a phone the results come first, so the form
   starts folded away; its summary (which counts the conditions set) opens it, and the conditions also show
   as removable chips above the results. Wide screens, and browsers without JavaScript, always show it. */
(function () {
  if (!window.matchMedia("(max-width: 59.99rem)").matches) return;
  document.querySelectorAll("details.filters-panel").forEach(function (panel) {
    panel.open = false;
  });
})();
