// ReDoc's page (templates/api/redoc.html): starts ReDoc on the schema named by the container,
// from our own static files, so the page needs no inline script.
(function () {
  "use strict";
  const container = document.getElementById("redoc-container");
  if (container && window.Redoc) {
    window.Redoc.init(container.dataset.spec, {}, container);
  }
})();
