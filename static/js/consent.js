// Optional: after htmx saves a banner choice, the short confirmation (already
// announced by the polite live region) fades out so it stops covering the page.
(function () {
  "use strict";
  document.addEventListener("htmx:after:swap", function (event) {
    var banner = document.getElementById("consent-banner");
    if (!banner || !banner.querySelector("[data-consent-saved]")) return;
    window.setTimeout(function () { banner.remove(); }, 8000);
  });
})();
