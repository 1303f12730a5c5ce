// Scheduling settings: a capacity profile proposes its default minutes; copy the public link.
(function () {
  "use strict";
  document.querySelectorAll("select[data-capacity-defaults]").forEach(function (select) {
    var defaults = {};
    select.dataset.capacityDefaults.split(",").forEach(function (pair) {
      var parts = pair.split(":");
      defaults[parts[0]] = parts[1];
    });
    select.addEventListener("change", function () {
      var minutes = document.getElementById("id_daily_capacity_minutes");
      if (minutes && defaults[select.value]) { minutes.value = defaults[select.value]; }
    });
  });
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var input = document.querySelector(button.dataset.copy);
      var status = document.getElementById("copy-status");
      input.select();
      var done = function () { if (status) { status.textContent = button.dataset.copied; } };
      if (navigator.clipboard) {
        navigator.clipboard.writeText(input.value).then(done, function () { document.execCommand("copy"); done(); });
      } else {
        document.execCommand("copy");
        done();
      }
    });
  });
})();
