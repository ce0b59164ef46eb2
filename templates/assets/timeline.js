/* The timeline's one enhancement: filter the entries of a page by tag.
   Without JavaScript the filter stays hidden and tag links go to tag pages.
   No strings live here: the page carries them (translated) in data attributes. */
(function () {
  "use strict";

  function setUp(filter) {
    var buttons = Array.prototype.slice.call(filter.querySelectorAll("[data-filter-tag]"));
    var entries = Array.prototype.slice.call(document.querySelectorAll(".entry[data-tags]"));
    var groups = Array.prototype.slice.call(document.querySelectorAll(".timeline .month, .timeline .year"));
    var status = filter.querySelector(".filter-status");
    var template = status ? status.getAttribute("data-template") || "" : "";

    function show(tag) {
      var shown = 0;
      entries.forEach(function (entry) {
        var tags = (entry.getAttribute("data-tags") || "").split(" ");
        var match = !tag || tags.indexOf(tag) !== -1;
        entry.hidden = !match;
        if (match) { shown += 1; }
      });
      groups.forEach(function (group) {
        group.hidden = !group.querySelector(".entry:not([hidden])");
      });
      buttons.forEach(function (button) {
        button.setAttribute("aria-pressed", String(button.getAttribute("data-filter-tag") === tag));
      });
      if (status) {
        status.textContent = template.replace("{shown}", String(shown));
      }
    }

    buttons.forEach(function (button) {
      button.addEventListener("click", function () {
        var tag = button.getAttribute("data-filter-tag") || "";
        var pressed = button.getAttribute("aria-pressed") === "true";
        show(pressed && tag ? "" : tag);
      });
    });
    filter.hidden = false;
  }

  function start() {
    var filters = document.querySelectorAll("[data-filter]");
    for (var i = 0; i < filters.length; i += 1) { setUp(filters[i]); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
