/* Progressive enhancement only: every feature works without this file. No inline scripts (CSP). */
(function () {
  "use strict";

  document.documentElement.classList.remove("no-js");
  document.documentElement.classList.add("js");

  /* Menu (<details>): close with Escape, on a click outside, and after choosing a link. */
  function enhanceMenu(menu) {
    var toggle = menu.querySelector("summary");
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.open) {
        menu.open = false;
        toggle.focus();
      }
    });
    document.addEventListener("click", function (event) {
      if (menu.open && !menu.contains(event.target)) {
        menu.open = false;
      }
    });
    menu.addEventListener("click", function (event) {
      if (event.target.closest("a")) {
        menu.open = false;
      }
    });
  }

  /* "Link kopieren": without JavaScript a plain link to the post; with it, a copy button. */
  function enhanceCopyLink(link) {
    if (!navigator.clipboard) {
      return;
    }
    var status = link.closest(".share") && link.closest(".share").querySelector("[data-copy-status]");
    link.setAttribute("role", "button");
    link.addEventListener("click", function (event) {
      event.preventDefault();
      navigator.clipboard.writeText(link.href).then(function () {
        var label = link.getAttribute("data-copied-label");
        link.classList.add("share__link--copied");
        if (status) {
          status.textContent = label;
        }
        window.setTimeout(function () {
          link.classList.remove("share__link--copied");
          if (status) {
            status.textContent = "";
          }
        }, 3000);
      });
    });
  }

  /* "Teilen …": the browser's own share sheet (Web Share API), only where the browser has one. */
  function enhanceWebShare(button) {
    if (typeof navigator.share !== "function") {
      return;
    }
    var item = button.closest(".share__native");
    if (item) {
      item.hidden = false;
    }
    button.addEventListener("click", function () {
      navigator
        .share({ title: button.getAttribute("data-share-title"), url: button.getAttribute("data-share-url") })
        .catch(function () {
          /* The reader closed the sheet: nothing to do. */
        });
    });
  }

  function init() {
    document.querySelectorAll("[data-site-nav]").forEach(enhanceMenu);
    document.querySelectorAll("[data-copy-link]").forEach(enhanceCopyLink);
    document.querySelectorAll("[data-web-share]").forEach(enhanceWebShare);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
