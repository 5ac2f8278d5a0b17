// Booking pages: use the browser's time zone and submit the zone picker on change.
// Optional: without this file the coach's zone is the default and the
// "Show times" button changes it.
(function () {
  "use strict";

  function detectedZone() {
    try {
      return Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch (e) {
      return "";
    }
  }

  function hasOption(select, value) {
    return Array.prototype.some.call(select.options, function (o) { return o.value === value; });
  }

  function init() {
    var params = new URLSearchParams(window.location.search);
    var zone = detectedZone();
    var chosenByVisitor = params.has("tz");

    // Zone pickers that filter what the page shows submit on change; on the
    // public calendar they also follow the browser's zone once, unless the
    // visitor already chose one (the URL then has tz).
    document.querySelectorAll("form[data-zone-form]").forEach(function (form) {
      var select = form.querySelector("select[data-zone-select]");
      if (!select) return;
      select.addEventListener("change", function () {
        // htmx may have moved to another day or month since the page loaded:
        // carry the current ones from the address bar, not the stale hidden fields.
        var now = new URLSearchParams(window.location.search);
        ["month", "date"].forEach(function (name) {
          var field = form.querySelector('input[type="hidden"][name="' + name + '"]');
          if (now.has(name)) {
            if (!field) {
              field = document.createElement("input");
              field.type = "hidden";
              field.name = name;
              form.appendChild(field);
            }
            field.value = now.get(name);
          }
        });
        form.requestSubmit();
      });
      if (form.hasAttribute("data-zone-follow") && !chosenByVisitor && zone &&
          zone !== select.value && hasOption(select, zone)) {
        params.set("tz", zone);
        window.location.replace(window.location.pathname + "?" + params.toString() +
          window.location.hash);
      }
    });

    // The zone field in the booking form: preselect the browser's zone.
    document.querySelectorAll("form.booking-form select[data-zone-select]").forEach(function (select) {
      if (!chosenByVisitor && zone && hasOption(select, zone)) select.value = zone;
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
