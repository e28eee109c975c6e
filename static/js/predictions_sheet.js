// Patrol sheet: a print button (no inline handlers under the CSP).
(function () {
  "use strict";
  const button = document.getElementById("print-button");
  if (button) button.addEventListener("click", () => window.print());
})();
