// The booking wizard's address step. When the postcode lookup (htmx, triggered by input and
// change, so also when the browser autofills the postcode) has named the postcode's towns, put
// the town in the town box if the postcode has exactly one, and leave it empty to choose from
// the list if it has several. A town the customer typed themselves is never overwritten; the
// server checks it either way.
(function () {
  "use strict";
  document.addEventListener("htmx:afterSwap", function (event) {
    var hint = event.detail && event.detail.target;
    var box = document.getElementById("id_city");
    if (!hint || hint.id !== "town-suggestion" || !box) { return; }
    var towns = Array.prototype.map.call(
      hint.querySelectorAll("#town-options option"), function (option) { return option.value; }
    );
    if (box.value !== "" && box.value !== box.dataset.filled) { return; }
    var town = towns.length === 1 ? towns[0] : "";
    box.value = town;
    box.dataset.filled = town;
  });
})();
