// The moderation queue without page loads (progressive enhancement: every action is a plain POST form
// that works without this script). Decisions are sent with fetch; the row disappears and a notice offers
// "Rückgängig" for a few seconds. Keys: j/k move, a freigeben, s Spam, d Papierkorb, r antworten,
// u rückgängig, ? shows the keys.
(function () {
    "use strict";
    var UNDO_SECONDS = 8;
    var rows = function () {
        return Array.prototype.filter.call(document.querySelectorAll("[data-comment-actions]"), function (el) {
            return !el.closest("tr").hidden;
        }).map(function (el) { return el.closest("tr"); });
    };
    var current = null;
    var lastUndo = null;
    var notice = document.createElement("div");
    notice.className = "comment-notice";
    notice.setAttribute("role", "status");
    notice.hidden = true;
    document.body.appendChild(notice);

    function select(row) {
        if (current) { current.classList.remove("comment-row--current"); }
        current = row || null;
        if (current) {
            current.classList.add("comment-row--current");
            current.scrollIntoView({ block: "nearest" });
        }
    }

    function csrf(form) {
        var input = form.querySelector("input[name=csrfmiddlewaretoken]");
        return input ? input.value : "";
    }

    function post(url, token) {
        var body = new FormData();
        body.append("csrfmiddlewaretoken", token);
        return fetch(url, {
            method: "POST", body: body, credentials: "same-origin",
            headers: { "Accept": "application/json", "X-CSRFToken": token },
        }).then(function (response) {
            if (!response.ok) { throw new Error(String(response.status)); }
            return response.json();
        });
    }

    function show(message, undo) {
        notice.textContent = "";
        var text = document.createElement("span");
        text.textContent = message;
        notice.appendChild(text);
        if (undo) {
            var button = document.createElement("button");
            button.type = "button";
            button.className = "button button-small";
            button.textContent = "Rückgängig";
            button.addEventListener("click", undo);
            notice.appendChild(button);
        }
        notice.hidden = false;
    }

    function decide(form) {
        var row = form.closest("tr");
        var token = csrf(form);
        var next = rows()[rows().indexOf(row) + 1] || rows()[rows().indexOf(row) - 1];
        return post(form.action, token).then(function (answer) {
            if (!answer.ok) { show(answer.message); return; }
            row.hidden = true;
            select(next);
            if (lastUndo) { clearTimeout(lastUndo.timer); }
            var undo = function () {
                post(answer.undo_url, token).then(function (back) {
                    if (back.ok) { row.hidden = false; select(row); }
                    show(back.message);
                });
                clearTimeout(undo.timer);
                lastUndo = null;
            };
            undo.timer = setTimeout(function () { lastUndo = null; notice.hidden = true; }, UNDO_SECONDS * 1000);
            lastUndo = answer.undo_url ? undo : null;
            show(answer.message, lastUndo);
        }).catch(function () { form.submit(); });  // no answer we understand: the plain form does it
    }

    document.addEventListener("submit", function (event) {
        var form = event.target.closest("[data-comment-actions] form");
        if (!form || !window.fetch) { return; }
        event.preventDefault();
        decide(form);
    });

    var help = document.getElementById("comment-keys");
    var KEYS = { a: "approve", s: "spam", d: "trash" };
    document.addEventListener("keydown", function (event) {
        if (event.ctrlKey || event.metaKey || event.altKey) { return; }
        if (event.target.closest("input, textarea, select, [contenteditable]")) { return; }
        var list = rows();
        var index = list.indexOf(current);
        if (event.key === "j") { select(list[Math.min(index + 1, list.length - 1)]); }
        else if (event.key === "k") { select(list[Math.max(index - 1, 0)]); }
        else if (KEYS[event.key] && current) {
            var form = current.querySelector('[data-comment-actions] form[data-action="' + KEYS[event.key] + '"]');
            if (form) { decide(form); }
        }
        else if (event.key === "r" && current) {
            var reply = current.querySelector('[data-action="reply"]');
            if (reply) { window.location.href = reply.href; }
        }
        else if (event.key === "u" && lastUndo) { lastUndo(); }
        else if (event.key === "?" && help) { help.hidden = !help.hidden; }
        else { return; }
        event.preventDefault();
    });
})();
