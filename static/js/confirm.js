// Confirmation for destructive or money-moving forms (templates/partials/_confirm.html).
//
// A form marked `data-confirm="#modal-id"` opens that modal instead of posting; the modal's
// `[data-confirm-accept]` button adds `confirm=yes` to the form and posts it. Without this
// script the form posts without `confirm` and the view answers with a confirmation page
// (templates/partials/confirm_page.html), so nothing happens on one click either way.
(function () {
  "use strict";
  if (window.intranetConfirm) {
    return;
  }
  window.intranetConfirm = true;

  function accept(form) {
    var field = form.querySelector("input[name=confirm]");
    if (!field) {
      field = document.createElement("input");
      field.type = "hidden";
      field.name = "confirm";
      form.appendChild(field);
    }
    field.value = "yes";
    form.dataset.confirmed = "yes";
    if (form.requestSubmit) {
      form.requestSubmit();
    } else {
      form.submit();
    }
  }

  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      if (!(form instanceof HTMLFormElement) || !form.dataset.confirm || form.dataset.confirmed === "yes") {
        return;
      }
      var modal = document.querySelector(form.dataset.confirm);
      if (!modal || !window.bootstrap) {
        return; // the view asks instead
      }
      event.preventDefault();
      var button = modal.querySelector("[data-confirm-accept]");
      button.onclick = function () {
        window.bootstrap.Modal.getOrCreateInstance(modal).hide();
        accept(form);
      };
      window.bootstrap.Modal.getOrCreateInstance(modal).show();
    },
    true
  );
})();
