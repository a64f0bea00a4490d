/* Comments: progressive enhancement only. Without this file replies work through ?antwort=<id>
   links and nothing is remembered. No inline scripts (CSP). */
(function () {
  "use strict";

  var STORAGE_KEY = "wle-comment-author";
  var REMEMBERED_FIELDS = ["name", "email", "url"];

  function storage() {
    try {
      return window.localStorage;
    } catch (error) {
      return null; /* disabled by the reader: nothing is remembered */
    }
  }

  /* Name, e-mail and website are kept in this browser only when the reader ticks the box. */
  function rememberAuthor(form) {
    var box = form.elements.remember;
    var store = storage();
    if (!box || !store) {
      return;
    }
    var saved = null;
    try {
      saved = JSON.parse(store.getItem(STORAGE_KEY) || "null");
    } catch (error) {
      store.removeItem(STORAGE_KEY);
    }
    if (saved) {
      REMEMBERED_FIELDS.forEach(function (name) {
        var field = form.elements[name];
        if (field && !field.value && typeof saved[name] === "string") {
          field.value = saved[name];
        }
      });
      box.checked = true;
    }
    form.addEventListener("submit", function () {
      if (box.checked) {
        var values = {};
        REMEMBERED_FIELDS.forEach(function (name) {
          values[name] = form.elements[name] ? form.elements[name].value : "";
        });
        store.setItem(STORAGE_KEY, JSON.stringify(values));
      } else {
        store.removeItem(STORAGE_KEY);
      }
    });
  }

  /* "Antworten" moves the form under the comment instead of reloading the page. */
  function enhanceReplies(section, respond, form) {
    var home = document.createComment("comment-form-home");
    respond.parentNode.insertBefore(home, respond);
    var replyField = form.elements.reply_to;
    var to = respond.querySelector(".comment-respond__to");
    var parentLink = respond.querySelector(".comment-respond__parent");
    var cancel = respond.querySelector(".comment-respond__cancel");

    function replyTo(link) {
      var comment = document.getElementById("c" + link.dataset.replyTo);
      if (!comment || !replyField) {
        return false;
      }
      replyField.value = link.dataset.replyTo;
      parentLink.textContent = link.dataset.replyName;
      parentLink.setAttribute("href", "#c" + link.dataset.replyTo);
      to.hidden = false;
      cancel.hidden = false;
      link.closest(".comment__body").after(respond);
      form.elements.comment.focus();
      return true;
    }

    section.addEventListener("click", function (event) {
      var link = event.target.closest(".comment__reply");
      if (link && replyTo(link)) {
        event.preventDefault();
      }
    });
    cancel.addEventListener("click", function (event) {
      event.preventDefault();
      replyField.value = "0";
      to.hidden = true;
      cancel.hidden = true;
      home.parentNode.insertBefore(respond, home.nextSibling);
      form.elements.comment.focus();
    });
  }

  /* A refused comment: the page opens at #kommentieren (the form's action), the message on top.
     Focus goes to the message so screen readers read it and keyboard users continue from there.
     The browser's own scroll to the fragment focuses the viewport (the target itself is not
     focusable) and may come after this script, so the focus is set again once the page has loaded,
     unless the reader has already moved it somewhere else. */
  function focusMessage() {
    var message = document.getElementById("kommentar-hinweis");
    if (!message) {
      return;
    }
    function focus() {
      var active = document.activeElement;
      if (active && active !== document.body && active !== document.documentElement && active !== message) {
        return;
      }
      message.focus({ preventScroll: true });
      var box = message.getBoundingClientRect();
      if (box.top < 0 || box.bottom > window.innerHeight) {
        message.scrollIntoView({ block: "start" });
      }
    }
    focus();
    if (document.readyState !== "complete") {
      window.addEventListener("load", function () {
        window.setTimeout(focus, 0);
      });
    }
  }

  /* A second click while the first is on its way would send the comment twice. */
  function sendOnce(form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.sending === "true") {
        event.preventDefault();
        return;
      }
      form.dataset.sending = "true";
      var button = form.querySelector("button[type=submit]");
      if (button) {
        button.setAttribute("aria-disabled", "true");
      }
    });
    /* Back in the history (bfcache): the form can be sent again. */
    window.addEventListener("pageshow", function () {
      delete form.dataset.sending;
      var button = form.querySelector("button[type=submit]");
      if (button) {
        button.removeAttribute("aria-disabled");
      }
    });
  }

  function init() {
    focusMessage();
    var section = document.getElementById("kommentare");
    var respond = document.getElementById("kommentieren");
    var form = document.getElementById("kommentarformular");
    if (!section || !respond || !form) {
      return;
    }
    rememberAuthor(form);
    sendOnce(form);
    enhanceReplies(section, respond, form);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
