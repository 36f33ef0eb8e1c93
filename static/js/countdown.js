// Offer cards say "Answer by 14:35"; this adds the time left ("4:32 left"), every second.
// The wording comes from the page (data-left, data-over), so it is in the helper's language.
(function () {
  "use strict";
  function pad(n) { return n < 10 ? "0" + n : String(n); }
  function tick() {
    document.querySelectorAll("[data-countdown]").forEach(function (el) {
      var seconds = Math.floor((Date.parse(el.dataset.countdown) - Date.now()) / 1000);
      var card = el.closest(".offer-card");
      if (seconds <= 0) {
        el.textContent = el.dataset.over;
        if (card) {
          card.classList.add("offer-card-over");
          card.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
        }
        return;
      }
      var time = Math.floor(seconds / 60) + ":" + pad(seconds % 60);
      el.textContent = "(" + el.dataset.left.replace("%(time)s", time) + ")";
    });
  }
  tick();
  setInterval(tick, 1000);
})();
