// Public booking: choosing a slot without a page load (the page works without this script).
(function () {
  "use strict";
  document.querySelectorAll("[data-slot-board]").forEach(function (board) {
    var input = board.querySelector("[data-slot-input]");
    var next = board.querySelector("[data-slot-continue]");
    var hint = board.querySelector("[data-slot-hint]");
    board.querySelectorAll("button.slot").forEach(function (button) {
      button.addEventListener("click", function (event) {
        event.preventDefault();
        board.querySelectorAll("button.slot").forEach(function (other) {
          other.setAttribute("aria-pressed", other === button ? "true" : "false");
        });
        input.value = button.value;
        if (next) {
          next.disabled = false;
          next.removeAttribute("aria-disabled");
        }
        if (hint) hint.hidden = true;
      });
    });
  });
  // A confirmation is sent once, even after a double click.
  document.querySelectorAll("form[data-once]").forEach(function (form) {
    form.addEventListener("submit", function () {
      var button = form.querySelector("button[type=submit]");
      if (button) {
        setTimeout(function () { button.disabled = true; }, 0);
      }
    });
  });
  var alert = document.querySelector("[data-autofocus]");
  if (alert) alert.focus();
})();
