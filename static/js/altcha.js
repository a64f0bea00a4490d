/* ALTCHA: the proof of work that vouches for a comment (comments/captcha.py), served by this site;
   nothing from any other. When the reader starts typing, the browser fetches a challenge and tries
   counters until SHA-256(salt + nonce + counter) starts with the challenge's key prefix, then puts
   the solution into the form's hidden "altcha" field. Sending waits for it (and fetches a new one if
   the first is about to expire). Without JavaScript, or when anything here fails, the field stays
   empty and the comment is held for moderation: it is never refused for that. No inline script (CSP). */
(function () {
  "use strict";

  var BATCH = 50; /* digests in flight at once: far faster than one await per try */
  var MAX_TRIES = 10000000; /* the server's counter is at most ALTCHA_COST; this only ends a bad challenge */
  var WAIT_ON_SUBMIT_MS = 15000; /* a slow phone still sends, unverified, after this */

  function hexToBytes(hex) {
    var bytes = new Uint8Array(hex.length / 2);
    for (var i = 0; i < bytes.length; i += 1) {
      bytes[i] = parseInt(hex.substr(i * 2, 2), 16);
    }
    return bytes;
  }

  function bytesToHex(buffer) {
    var bytes = new Uint8Array(buffer);
    var hex = "";
    for (var i = 0; i < bytes.length; i += 1) {
      hex += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
    }
    return hex;
  }

  /* The password is salt + nonce + the counter as a big-endian uint32 (the altcha library's v2 format). */
  function digest(prefix, counter) {
    var data = new Uint8Array(prefix.length + 4);
    data.set(prefix);
    new DataView(data.buffer).setUint32(prefix.length, counter, false);
    return window.crypto.subtle.digest("SHA-256", data);
  }

  function solve(challenge) {
    var parameters = challenge.parameters;
    var salt = hexToBytes(parameters.salt);
    var nonce = hexToBytes(parameters.nonce);
    var prefix = new Uint8Array(salt.length + nonce.length);
    prefix.set(salt);
    prefix.set(nonce, salt.length);
    var wanted = parameters.keyPrefix.toLowerCase();
    var keyLength = parameters.keyLength || 32;

    function batch(start) {
      if (start > MAX_TRIES) {
        return Promise.reject(new Error("no solution"));
      }
      var tries = [];
      for (var counter = start; counter < start + BATCH; counter += 1) {
        tries.push(digest(prefix, counter));
      }
      return Promise.all(tries).then(function (keys) {
        for (var i = 0; i < keys.length; i += 1) {
          var key = bytesToHex(keys[i].slice(0, keyLength));
          if (key.indexOf(wanted) === 0) {
            var payload = { challenge: challenge, solution: { counter: start + i, derivedKey: key } };
            return window.btoa(JSON.stringify(payload));
          }
        }
        return batch(start + BATCH);
      });
    }
    return batch(0);
  }

  function enhance(form, field) {
    var url = field.getAttribute("data-altcha-challenge");
    /* Fetched again when the solution has lived most of the challenge's lifetime. */
    var freshFor = Number(field.getAttribute("data-altcha-lifetime") || 300) * 800;
    var current = null; /* {startedAt, promise} */
    var passing = false;
    var waiting = false; /* a second click while the solution is being found sends nothing more */

    function isFresh() {
      return current !== null && Date.now() - current.startedAt < freshFor;
    }

    function start() {
      if (isFresh()) {
        return current.promise;
      }
      var run = { startedAt: Date.now() };
      run.promise = window
        .fetch(url, { credentials: "omit", cache: "no-store", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("challenge " + response.status);
          }
          return response.json();
        })
        .then(solve)
        .then(function (payload) {
          if (current === run) {
            field.value = payload;
          }
        })
        .catch(function () {
          /* Sent without a solution, the comment is held: better than not sent. Try again next time. */
          if (current === run) {
            field.value = "";
            current = null;
          }
        });
      current = run;
      field.value = "";
      return run.promise;
    }

    form.addEventListener("input", function () {
      start();
    });

    /* Capture phase on the document: runs before comments.js's submit handler on the form, which
       marks the form as being sent. */
    document.addEventListener(
      "submit",
      function (event) {
        if (event.target !== form || passing || (isFresh() && field.value)) {
          return;
        }
        event.preventDefault();
        event.stopPropagation();
        if (waiting) {
          return;
        }
        waiting = true;
        var submitter = event.submitter || null;
        var waited = new Promise(function (resolve) {
          window.setTimeout(resolve, WAIT_ON_SUBMIT_MS);
        });
        form.setAttribute("aria-busy", "true");
        Promise.race([start(), waited]).then(function () {
          form.removeAttribute("aria-busy");
          waiting = false;
          passing = true;
          try {
            if (form.requestSubmit) {
              form.requestSubmit(submitter);
            } else {
              form.submit();
            }
          } finally {
            passing = false;
          }
        });
      },
      true
    );

    /* Back in the history (bfcache): the solution went out with the comment and counts only once. */
    window.addEventListener("pageshow", function (event) {
      if (event.persisted) {
        current = null;
        field.value = "";
      }
    });
  }

  function init() {
    var form = document.getElementById("kommentarformular");
    var field = form && form.querySelector("input[data-altcha-challenge]");
    if (!field || !window.fetch || !window.Promise || !window.crypto || !window.crypto.subtle) {
      return;
    }
    field.value = ""; /* never a solution the browser restored from an earlier visit */
    enhance(form, field);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
