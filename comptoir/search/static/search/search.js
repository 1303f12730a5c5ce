// Global search: ↑/↓ move from the top-bar box into the results (or the suggestions
// dropdown) and between them; Escape closes the dropdown.
(function () {
  function suggest() { return document.getElementById("search-suggest"); }
  function links() {
    const box = suggest();
    if (box && box.querySelector("[data-result]")) {
      return Array.from(box.querySelectorAll("[data-result]"));
    }
    return Array.from(document.querySelectorAll("[data-search-results] [data-result]"));
  }
  document.addEventListener("keydown", function (event) {
    const input = document.getElementById("global-search");
    if (event.key === "Escape" && suggest() && suggest().contains(document.activeElement || input)) {
      suggest().innerHTML = "";
      if (input) { input.focus(); }
      return;
    }
    if (event.key === "Escape" && document.activeElement === input && suggest()) {
      suggest().innerHTML = "";
      return;
    }
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") { return; }
    const items = links();
    if (!items.length) { return; }
    const index = items.indexOf(document.activeElement);
    if (index === -1 && document.activeElement !== input) { return; }
    event.preventDefault();
    if (event.key === "ArrowDown") {
      items[Math.min(index + 1, items.length - 1)].focus();
    } else if (index <= 0) {
      if (input) { input.focus(); }
    } else {
      items[index - 1].focus();
    }
  });
  // Clicking elsewhere closes the dropdown.
  document.addEventListener("click", function (event) {
    const box = suggest();
    if (box && !event.target.closest(".search-form")) { box.innerHTML = ""; }
  });
})();
