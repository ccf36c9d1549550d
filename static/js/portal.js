/*
 * Small enhancements; every page works without them.
 *
 * Confirm before a destructive POST: a form with data-confirm="question" shows the question in the
 * shared Bootstrap modal (#confirm-modal in base.html) and is submitted only on "Confirm". Without
 * JavaScript the form simply submits.
 */
(function () {
  "use strict";

  let pendingForm = null;

  function confirmModal() {
    const element = document.getElementById("confirm-modal");
    if (!element || !window.bootstrap) {
      return null;
    }
    return { element: element, modal: window.bootstrap.Modal.getOrCreateInstance(element) };
  }

  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.confirm || form.dataset.confirmed === "yes") {
      return;
    }
    const found = confirmModal();
    if (!found) {
      return;
    }
    event.preventDefault();
    pendingForm = form;
    found.element.querySelector("[data-confirm-text]").textContent = form.dataset.confirm;
    const ok = found.element.querySelector("[data-confirm-ok]");
    ok.textContent = form.dataset.confirmButton || ok.dataset.defaultText;
    found.modal.show();
  });

  document.addEventListener("click", function (event) {
    const ok = event.target.closest("[data-confirm-ok]");
    if (!ok || !pendingForm) {
      return;
    }
    const form = pendingForm;
    pendingForm = null;
    form.dataset.confirmed = "yes";
    const found = confirmModal();
    if (found) {
      found.modal.hide();
    }
    form.requestSubmit ? form.requestSubmit() : form.submit();
  });

  document.addEventListener("hidden.bs.modal", function (event) {
    if (event.target.id === "confirm-modal") {
      pendingForm = null;
    }
  });

  // A text box with a length limit (data-count-max) keeps its counter (data-count-for="<its id>") up to
  // date as the user types: "123 / 2000". The server renders the counter's first text.
  document.addEventListener("input", function (event) {
    const box = event.target;
    if (!(box instanceof HTMLTextAreaElement) || !box.dataset.countMax || !box.id) {
      return;
    }
    const counter = document.querySelector('[data-count-for="' + box.id + '"]');
    if (counter) {
      counter.textContent = box.value.length + " / " + box.dataset.countMax;
      counter.classList.toggle("text-danger", box.value.length > Number(box.dataset.countMax));
    }
  });
})();
