// Comptoir shell: "/" focuses search, HTMX swaps are announced to screen readers.
(function () {
  document.addEventListener("keydown", function (event) {
    const tag = (event.target.tagName || "").toLowerCase();
    if (event.key === "/" && !["input", "textarea", "select"].includes(tag) && !event.target.isContentEditable) {
      const box = document.getElementById("global-search");
      if (box) { event.preventDefault(); box.focus(); box.select(); }
    }
  });
  document.body.addEventListener("htmx:afterSwap", function (event) {
    const live = document.getElementById("live-region");
    const message = event.detail.elt && event.detail.elt.getAttribute("data-announce");
    if (live && message) { live.textContent = message; }
  });
})();
