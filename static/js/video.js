// Two-click video (templates/blocks/video.html): the button appears only with JavaScript; pressing it
// replaces the box by the provider's player. Nothing is loaded from the provider before that.
(function () {
    "use strict";
    if (window.videoTwoClick) {
        return;
    }
    window.videoTwoClick = true;
    function enable() {
        document.querySelectorAll("[data-video-player]").forEach(function (figure) {
            var button = figure.querySelector(".block-video__button");
            var consent = figure.querySelector(".block-video__consent");
            if (!button || !consent) {
                return;
            }
            button.hidden = false;
            button.addEventListener("click", function () {
                var frame = document.createElement("iframe");
                frame.src = figure.getAttribute("data-video-player");
                frame.title = figure.getAttribute("data-video-title");
                frame.className = "block-video__frame";
                frame.allow = "fullscreen; picture-in-picture";
                frame.setAttribute("allowfullscreen", "");
                frame.referrerPolicy = "strict-origin-when-cross-origin";
                consent.replaceWith(frame);
                frame.focus();
            }, { once: true });
        });
    }
    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", enable);
    } else {
        enable();
    }
})();
