// Shows in the messages area (#messages, partials/_messages.html) what a failed htmx request says.
//
// run_action (office/views_support.py) answers a refused or invalid htmx action with its real
// status (409, 400) and the messages partial, retargeted to #messages. htmx ignores the body of
// a 4xx answer by default, so the user would see nothing: swap these answers after all. Any other
// failed htmx request (403, 404, 500, no connection) gets a generic alert in the same place.
(function () {
  "use strict";
  var TARGET = "#messages";

  document.body.addEventListener("htmx:beforeSwap", function (event) {
    var detail = event.detail;
    if (detail.isError && detail.xhr.getResponseHeader("HX-Retarget") === TARGET) {
      detail.shouldSwap = true;
      detail.isError = false;
    }
  });

  function alert(key) {
    var area = document.querySelector(TARGET);
    if (!area) {
      return;
    }
    var box = document.getElementById("htmx-failure");
    if (!box) {
      box = document.createElement("div");
      box.id = "htmx-failure";
      box.className = "alert alert-danger";
      box.setAttribute("role", "alert");
      area.prepend(box);
    }
    box.textContent = area.dataset[key] || "";
  }

  document.body.addEventListener("htmx:responseError", function (event) {
    alert(event.detail.xhr.status === 403 ? "htmxForbidden" : "htmxFailed");
  });
  document.body.addEventListener("htmx:sendError", function () {
    alert("htmxOffline");
  });
})();
