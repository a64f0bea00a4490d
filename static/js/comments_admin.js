// The moderation queue without page loads (progressive enhancement: every action is a plain POST form
// that works without this script). Decisions are sent with fetch; the row disappears and a notice offers
// "Rückgängig" for a few seconds. "Freigeben und antworten" approves and opens the reply box in the row;
// "Antworten" opens the same box; "Thread anzeigen" fetches the thread into the row. Keys: j/k move,
// a freigeben, f freigeben und antworten, s Spam, d Papierkorb, r antworten, t Thread, u rückgängig,
// ? shows the keys.
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

    function hideRow(row) {
        var list = rows();
        var next = list[list.indexOf(row) + 1] || list[list.indexOf(row) - 1];
        row.hidden = true;
        if (current === row) { select(next); }
    }

    function offerUndo(answer, token, row) {
        if (lastUndo) { clearTimeout(lastUndo.timer); }
        var undo = function () {
            post(answer.undo_url, token).then(function (back) {
                if (back.ok) { closeReply(row); row.hidden = false; select(row); }
                show(back.message);
            });
            clearTimeout(undo.timer);
            lastUndo = null;
        };
        undo.timer = setTimeout(function () { lastUndo = null; notice.hidden = true; }, UNDO_SECONDS * 1000);
        lastUndo = answer.undo_url ? undo : null;
        show(answer.message, lastUndo);
    }

    function decide(form) {
        var row = form.closest("tr");
        var token = csrf(form);
        return post(form.action, token).then(function (answer) {
            if (!answer.ok) { show(answer.message); return; }
            hideRow(row);
            offerUndo(answer, token, row);
        }).catch(function () { form.submit(); });  // no answer we understand: the plain form does it
    }

    // "Freigeben und antworten": approved, the row stays with the reply box open; it goes once the
    // answer is sent or the box is closed.
    function approveAndReply(form) {
        var row = form.closest("tr");
        var token = csrf(form);
        return post(form.action, token).then(function (answer) {
            if (!answer.ok) { show(answer.message); return; }
            offerUndo(answer, token, row);
            openReply(row, answer.reply_url, true);
        }).catch(function () { form.submit(); });
    }

    var replyTemplate = document.getElementById("comment-reply-template");

    function closeReply(row) {
        var box = row.querySelector("[data-reply-box]");
        if (box) { box.hidden = true; box.textContent = ""; }
    }

    function openReply(row, url, decided) {
        var box = row.querySelector("[data-reply-box]");
        if (!box || !replyTemplate) { window.location.href = url; return; }
        box.textContent = "";
        box.appendChild(replyTemplate.content.cloneNode(true));
        var form = box.querySelector("form");
        var error = box.querySelector("[data-reply-error]");
        var token = csrf(form);
        form.action = url;
        box.hidden = false;
        select(row);
        form.querySelector("textarea").focus();
        var done = function () {
            closeReply(row);
            if (decided) { hideRow(row); }
        };
        form.addEventListener("submit", function (event) {
            event.preventDefault();
            fetch(url, {
                method: "POST", body: new FormData(form), credentials: "same-origin",
                headers: { "Accept": "application/json", "X-CSRFToken": token },
            }).then(function (response) {
                return response.json();
            }).then(function (answer) {
                if (!answer.ok) { error.textContent = answer.message; error.hidden = false; return; }  // the text stays
                done();
                show(answer.message);
            }).catch(function () { form.submit(); });  // the plain POST: the reply page answers
        });
        box.querySelector("[data-reply-cancel]").addEventListener("click", done);
    }

    function toggleThread(link) {
        var row = link.closest("tr");
        var box = row.querySelector("[data-thread-box]");
        if (!box) { window.location.href = link.href; return; }
        var showing = function (open) {
            box.hidden = !open;
            link.setAttribute("aria-expanded", open ? "true" : "false");
            link.textContent = open ? link.dataset.labelHide : link.dataset.labelShow;
        };
        if (!box.hidden) { showing(false); return; }
        var url = new URL(link.href, window.location.href);
        url.searchParams.set("fragment", "1");
        fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } }).then(function (response) {
            if (!response.ok) { throw new Error(String(response.status)); }
            return response.text();
        }).then(function (html) {
            box.innerHTML = html;  // our own page, rendered and escaped by the server
            showing(true);
        }).catch(function () { window.location.href = link.href; });
    }

    document.addEventListener("submit", function (event) {
        var form = event.target.closest("[data-comment-actions] form");
        if (!form || !window.fetch) { return; }
        event.preventDefault();
        if (form.dataset.action === "approve-reply") { approveAndReply(form); } else { decide(form); }
    });

    document.addEventListener("click", function (event) {
        var link = event.target.closest('[data-comment-actions] a[data-action="reply"], [data-comment-actions] a[data-action="thread"]');
        if (!link || !window.fetch || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
        event.preventDefault();
        if (link.dataset.action === "thread") { toggleThread(link); } else { openReply(link.closest("tr"), link.href, false); }
    });

    var help = document.getElementById("comment-keys");
    var KEYS = { a: "approve", f: "approve-reply", s: "spam", d: "trash" };
    document.addEventListener("keydown", function (event) {
        if (event.ctrlKey || event.metaKey || event.altKey) { return; }
        if (event.target.closest("input, textarea, select, [contenteditable]")) { return; }
        var list = rows();
        var index = list.indexOf(current);
        if (event.key === "j") { select(list[Math.min(index + 1, list.length - 1)]); }
        else if (event.key === "k") { select(list[Math.max(index - 1, 0)]); }
        else if (KEYS[event.key] && current) {
            var form = current.querySelector('[data-comment-actions] form[data-action="' + KEYS[event.key] + '"]');
            if (form && form.dataset.action === "approve-reply") { approveAndReply(form); }
            else if (form) { decide(form); }
        }
        else if (event.key === "r" && current) {
            var reply = current.querySelector('[data-comment-actions] [data-action="reply"]');
            if (reply) { openReply(current, reply.href, false); }
        }
        else if (event.key === "t" && current) {
            var thread = current.querySelector('[data-comment-actions] [data-action="thread"]');
            if (thread) { toggleThread(thread); }
        }
        else if (event.key === "u" && lastUndo) { lastUndo(); }
        else if (event.key === "?" && help) { help.hidden = !help.hidden; }
        else { return; }
        event.preventDefault();
    });
})();
