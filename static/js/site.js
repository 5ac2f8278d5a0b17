// Small, optional enhancements. Every page works without this file.
(function () {
  "use strict";

  // After htmx swaps new content in, move focus to the element that asks for
  // it, so keyboard and screen-reader users land on what just appeared.
  document.addEventListener("htmx:after:swap", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) return;
    var wanted = target.querySelector("[data-focus-after-swap]") ||
      (target.matches("[data-focus-after-swap]") ? target : null);
    if (wanted) {
      if (!wanted.hasAttribute("tabindex")) wanted.setAttribute("tabindex", "-1");
      wanted.focus();
    }
  });
})();
