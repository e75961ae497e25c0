// A failed htmx request says so in the messages area (#messages, partials/_messages.html).
//
// A refused action is not a failure: run_action (office/views_support.py) answers it with 200
// and the messages partial retargeted to #messages, which htmx swaps by itself. What is left
// are real errors (403, 404, 500, no connection): htmx ignores those answers, so without this
// the click would seem to do nothing. The texts are data attributes of #messages (translated).
(function () {
  "use strict";

  function alert(key) {
    var area = document.getElementById("messages");
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
