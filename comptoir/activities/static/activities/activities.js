// Activities: focus after one-click swaps, Ctrl+Entrée in composers, the customer picker.
(function () {
  document.body.addEventListener("htmx:afterSwap", function (event) {
    const elt = event.detail.elt;
    if (elt && elt.hasAttribute && elt.hasAttribute("data-focus-after-swap")) {
      const button = elt.querySelector(".state-actions button");
      (button || elt).focus();
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && event.target.tagName === "TEXTAREA") {
      const form = event.target.form;
      if (form) { event.preventDefault(); form.requestSubmit(); }
    }
  });
  document.addEventListener("click", function (event) {
    const pick = event.target.closest && event.target.closest("[data-pick]");
    if (!pick) { return; }
    const select = document.getElementById("id_" + pick.dataset.pick);
    if (!select) { return; }
    let option = Array.from(select.options).find(function (o) { return o.value === pick.dataset.pickValue; });
    if (!option) {
      option = new Option(pick.dataset.pickLabel, pick.dataset.pickValue);
      select.add(option);
    }
    select.value = pick.dataset.pickValue;
    select.dispatchEvent(new Event("change", { bubbles: true }));
    const live = document.getElementById("live-region");
    if (live) { live.textContent = pick.dataset.pickLabel; }
    select.focus();
  });
})();
