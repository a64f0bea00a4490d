/* "Drucken" next to "Als PDF speichern": shows the print button and opens the browser's print dialog.
   Without JavaScript the button stays hidden (the browser's own print command still uses print.css). */
(function () {
  "use strict";

  function enhancePrintButton(item) {
    var button = item.querySelector("button");
    if (!button || typeof window.print !== "function") {
      return;
    }
    button.addEventListener("click", function () {
      window.print();
    });
    item.hidden = false;
  }

  function init() {
    document.querySelectorAll("[data-post-tools-print]").forEach(enhancePrintButton);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
