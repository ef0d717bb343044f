// Adds the reader's local time next to every UTC timestamp. Without JavaScript the UTC text stays.
(function () {
  "use strict";
  var fmt;
  try {
    fmt = new Intl.DateTimeFormat(undefined, {
      year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short"
    });
  } catch (e) {
    return;
  }
  document.querySelectorAll("time[data-local]").forEach(function (el) {
    var when = new Date(el.getAttribute("datetime"));
    if (isNaN(when.getTime())) return;
    var local = document.createElement("span");
    local.className = "local-time";
    local.textContent = " (" + fmt.format(when) + " your time)";
    el.after(local);
  });
})();
