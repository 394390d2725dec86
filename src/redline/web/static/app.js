// Redline workbench: progressive enhancement only. Every page works without this file.
"use strict";

(function () {
  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrf = meta ? meta.getAttribute("content") : "";

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text; // text only: stored content never becomes markup
    return node;
  }

  var MASK = /\[(EMAIL|PHONE|CARD|IBAN|SSN|IP|ADDRESS|NAME|PLACE)-\d+\]/;

  // Revealed text with masked personal data: its badge, and the unmask button for cleared roles.
  function maskState(box, parts, before) {
    if (!parts.some(function (part) { return MASK.test(part.text); })) return;
    var tpl = box.querySelector("template.pii-template");
    var state = tpl ? document.importNode(tpl.content, true) : el("div", "pii-state");
    if (!tpl) {
      state.setAttribute("data-pii", "masked");
      state.appendChild(el("span", "badge pii", "personal data masked"));
    }
    box.insertBefore(state, before);
  }

  // Consent to view flagged content: fetch the text and put it in place of the veil.
  function reveal(form) {
    var box = form.closest(".exchange");
    var subject = form.querySelector('input[name="subject"]').value;
    var note = form.querySelector(".consent-note") || form.appendChild(el("p", "consent-note"));
    fetch("/api/content/consent", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify({ subject: subject }),
    })
      .then(function (resp) {
        return resp.json().then(function (data) { return { ok: resp.ok, data: data }; });
      })
      .then(function (result) {
        if (!result.ok) {
          note.textContent = result.data.detail || "This content cannot be shown.";
          if (result.data.code === "onboarding_required") {
            var link = el("a", "button", "Complete onboarding");
            link.id = "onboarding-link";
            link.href = "/onboarding?next=" + encodeURIComponent(location.pathname);
            note.appendChild(document.createTextNode(" "));
            note.appendChild(link);
          }
          return;
        }
        var veil = box.querySelector(".veil");
        if (veil) veil.remove();
        result.data.content.parts.forEach(function (part) {
          var wrap = el("div", "part");
          wrap.appendChild(el("span", "part-label", part.label));
          wrap.appendChild(el("pre", "", part.text));
          box.insertBefore(wrap, form);
        });
        maskState(box, result.data.content.parts, form);
        var status = result.data.status;
        if (status.level === "warn" || status.level === "at_limit") {
          box.appendChild(el("p", "warn-box", "You have viewed " + status.views + " of " +
            (status.limit + status.extra) + " flagged items today."));
        }
        form.remove();
      })
      .catch(function () { form.submit(); });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.matches("form[data-consent]")) {
      event.preventDefault();
      reveal(form);
    } else if (form.matches("form[data-swap]")) {
      event.preventDefault();
      swap(form);
    }
  });

  // Submit a form in the background and replace one region of the page with the same region of the answer.
  function swap(form) {
    var selector = form.getAttribute("data-swap");
    fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin" })
      .then(function (resp) { return resp.text().then(function (html) { return { resp: resp, html: html }; }); })
      .then(function (result) {
        var doc = new DOMParser().parseFromString(result.html, "text/html");
        var fresh = doc.querySelector(selector);
        var old = document.querySelector(selector);
        if (!fresh || !old || !result.resp.ok) {
          document.open();
          document.write(result.html);
          document.close();
          return;
        }
        old.replaceWith(document.importNode(fresh, true));
        var flash = doc.querySelector(".flash");
        var here = document.querySelector(".flash");
        if (here) here.remove();
        if (flash) document.querySelector("main").prepend(document.importNode(flash, true));
        if (result.resp.url) history.replaceState(null, "", result.resp.url);
      })
      .catch(function () { form.submit(); });
  }

  // Live round progress over server-sent events.
  var live = document.querySelector("[data-progress-url]");
  if (live && window.EventSource) {
    var source = new EventSource(live.getAttribute("data-progress-url"));
    source.addEventListener("progress", function (event) {
      var data = JSON.parse(event.data);
      var set = function (name, value) {
        var node = live.querySelector('[data-field="' + name + '"]');
        if (node) node.textContent = String(value);
      };
      set("status", data.status);
      set("cases", data.cases);
      set("attempts", data.attempts);
      var bar = live.querySelector("progress");
      if (bar && data.cases) {
        bar.max = data.cases;
        bar.value = Math.min(data.attempts, data.cases);
      }
      if (data.finished && live.getAttribute("data-running") === "yes") {
        source.close();
        window.location.reload();
      }
    });
    source.addEventListener("engine", function (event) {
      var data = JSON.parse(event.data);
      var node = live.querySelector('[data-field="engine"]');
      if (node) {
        node.textContent = data.snapshot.requests + " requests, " + data.snapshot.in_flight + " in flight, " +
          data.snapshot.tokens + " tokens";
      }
    });
    source.addEventListener("end", function () { source.close(); });
  }
})();
