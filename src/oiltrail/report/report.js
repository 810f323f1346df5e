// Layer toggles from the legend, and chain rows that light up their line on the map.
(function () {
  "use strict";
  document.querySelectorAll("input[data-toggle]").forEach(function (box) {
    box.addEventListener("change", function () {
      document.querySelectorAll(box.getAttribute("data-toggle")).forEach(function (el) {
        el.style.display = box.checked ? "" : "none";
      });
    });
  });
  document.querySelectorAll("tr[data-chain-id]").forEach(function (row) {
    var id = row.getAttribute("data-chain-id");
    var lines = Array.prototype.filter.call(
      document.querySelectorAll("g.chain"),
      function (g) { return g.getAttribute("data-chain-id") === id; }
    );
    function lit(on) {
      row.classList.toggle("lit", on);
      lines.forEach(function (g) { g.classList.toggle("lit", on); });
    }
    row.addEventListener("mouseenter", function () { lit(true); });
    row.addEventListener("mouseleave", function () { lit(false); });
  });
})();
