/* The portal's small shared behaviour, loaded on every page (no inline scripts: the CSP forbids them).
 * - A form's error summary (templates/_error_summary.html) takes the focus when the page loads, so that screen
 *   readers announce it and keyboard users start from the list of problems. */
(function () {
  "use strict";
  function focusErrorSummary() {
    var summary = document.getElementById("error-summary");
    if (summary) summary.focus();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusErrorSummary);
  } else {
    focusErrorSummary();
  }
})();
