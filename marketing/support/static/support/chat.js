// Chat widget and console (marketing.support). CSP forbids inline scripts, so the few
// behaviours htmx does not have live here:
// - a poll sends the ETag of the log it shows (data-etag) as If-None-Match, and a 304 answer
//   (nothing new) is not swapped in;
// - the widget's close button empties the panel;
// - a log scrolls to its newest message after a swap;
// - choosing a canned answer in the console fills the reply box (without JavaScript the
//   choice is sent and the server uses the answer's text).
(function () {
  "use strict";
  // A page built without htmx (the cached public pages) gets it when the widget is there; the
  // widget's button is a plain link until then.
  // htmx sets the page up on DOMContentLoaded, which has usually passed when it arrives this
  // way (this file is deferred): the widget is processed here once htmx has loaded (htmx
  // leaves alone what it processed already), and marked data-htmx-ready.
  var widget = document.querySelector("[data-htmx-src]");
  if (widget && typeof window.htmx === "undefined") {
    var script = document.createElement("script");
    script.src = widget.dataset.htmxSrc;
    script.addEventListener("load", function () {
      if (window.htmx) {
        window.htmx.process(widget);
        widget.dataset.htmxReady = "true";
      }
    });
    document.head.appendChild(script);
  } else if (widget) {
    widget.dataset.htmxReady = "true";
  }
  document.addEventListener("htmx:configRequest", function (event) {
    var elt = event.detail.elt;
    if (elt && elt.dataset && elt.dataset.etag && event.detail.verb === "get") {
      event.detail.headers["If-None-Match"] = elt.dataset.etag;
    }
  });
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr && event.detail.xhr.status === 304) {
      event.detail.shouldSwap = false;
      event.detail.isError = false;
    }
  });
  var scrollLogs = function () {
    document.querySelectorAll(".chat-log").forEach(function (log) {
      var box = log.closest(".card-body, .chat-scroll");
      if (box) { box.scrollTop = box.scrollHeight; }
    });
  };
  document.addEventListener("htmx:afterSettle", scrollLogs);
  document.addEventListener("DOMContentLoaded", scrollLogs);
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-support-close]");
    if (button) {
      var panel = document.getElementById("support-panel");
      if (panel) { panel.innerHTML = ""; }
    }
  });
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!select.matches || !select.matches("select[data-canned-target]")) { return; }
    var option = select.options[select.selectedIndex];
    var box = document.getElementById(select.dataset.cannedTarget);
    if (box && option && option.dataset.text) {
      box.value = option.dataset.text;
      box.focus();
    }
  });
})();
