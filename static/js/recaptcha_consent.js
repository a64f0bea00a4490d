/* reCAPTCHA only with the reader's consent (COMMENTS_CAPTCHA=recaptcha, comments/captcha.py): nothing
   is loaded from Google until the reader clicks "reCAPTCHA laden (Google)". Then Google's script
   renders its checkbox into the form's .g-recaptcha box. Without JavaScript, without the click or
   when Google cannot be reached, the comment is held for moderation, never refused. No inline script (CSP). */
(function () {
  "use strict";

  function init() {
    var block = document.querySelector("[data-recaptcha-consent]");
    if (!block) {
      return;
    }
    var button = block.querySelector(".comment-form__consent");
    var box = block.querySelector(".g-recaptcha");
    block.hidden = false;
    button.addEventListener("click", function () {
      var script = document.createElement("script");
      script.src = block.getAttribute("data-recaptcha-script");
      script.async = true;
      script.defer = true;
      document.head.appendChild(script);
      button.hidden = true;
      box.hidden = false;
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
