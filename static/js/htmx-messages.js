// A failed htmx request says so where the user acted, and in the messages area (#messages).
//
// A refused action is not a failure: run_action (office/views_support.py) answers it with 200
// and the messages partial retargeted to #messages, which htmx swaps by itself. What is left
// are real errors (4xx, 5xx, no connection): htmx ignores those answers, so without this the
// click would seem to do nothing. The message shown is, in this order: the answer's
// `HX-Error-Message` header (URI-encoded), an element marked `data-error-message` or an
// `.alert` in an HTML answer, a short plain-text answer, else the translated generic text for
// the status (data attributes of #messages, partials/_messages.html). The alert goes right
// after the form (or element) that made the request, so it is seen where the user looked.
(function () {
  "use strict";

  var MAX_PLAIN = 300;

  function fromResponse(xhr) {
    var header = xhr.getResponseHeader("HX-Error-Message");
    if (header) {
      try {
        return decodeURIComponent(header);
      } catch (e) {
        return header;
      }
    }
    var type = xhr.getResponseHeader("Content-Type") || "";
    var body = xhr.responseText || "";
    if (type.indexOf("text/html") === 0 && body) {
      var doc = new DOMParser().parseFromString(body, "text/html");
      var marked = doc.querySelector("[data-error-message]") || doc.querySelector("#messages .alert, .alert-danger");
      if (marked && marked.textContent.trim()) {
        return marked.textContent.trim();
      }
      return "";
    }
    if (type.indexOf("text/plain") === 0 && body.trim() && body.length <= MAX_PLAIN) {
      return body.trim();
    }
    return "";
  }

  function generic(status) {
    var area = document.getElementById("messages");
    var data = area ? area.dataset : {};
    if (status === 0) {
      return data.htmxOffline || "";
    }
    return (status === 403 ? data.htmxForbidden : data.htmxFailed) || "";
  }

  function box(id) {
    var div = document.createElement("div");
    div.className = "alert alert-danger alert-dismissible small mt-2 htmx-failure";
    div.setAttribute("role", "alert");
    if (id) {
      div.id = id;
    }
    return div;
  }

  function show(elt, text) {
    if (!text) {
      return;
    }
    var area = document.getElementById("messages");
    var anchor = elt && elt.isConnected ? elt.closest("form") || elt : null;
    if (anchor && !(area && area.contains(anchor))) {
      var next = anchor.nextElementSibling;
      var inline = next && next.classList.contains("htmx-failure") ? next : box("");
      inline.textContent = text;
      if (!next || next !== inline) {
        anchor.insertAdjacentElement("afterend", inline);
      }
    }
    if (area) {
      var top = document.getElementById("htmx-failure") || box("htmx-failure");
      top.textContent = text;
      if (!top.isConnected) {
        area.prepend(top);
      }
    }
  }

  document.body.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    show(event.detail.elt, fromResponse(xhr) || generic(xhr.status));
  });
  document.body.addEventListener("htmx:sendError", function (event) {
    show(event.detail.elt, generic(0));
  });
  // A new request clears the inline alert of the element's last failure.
  document.body.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt;
    var anchor = elt ? elt.closest("form") || elt : null;
    var next = anchor ? anchor.nextElementSibling : null;
    if (next && next.classList.contains("htmx-failure")) {
      next.remove();
    }
  });
})();
