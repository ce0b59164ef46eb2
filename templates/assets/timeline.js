/* The timeline's enhancements: filter the entries of a page by tag, year and source,
   kept in the address (?tag=&year=&source=, other parameters left as they are), and
   move between entries with j and k. Without JavaScript the filter stays hidden and
   tag links go to tag pages. No strings live here: the page carries them (translated). */
(function () {
  "use strict";

  function all(root, selector) {
    return Array.prototype.slice.call(root.querySelectorAll(selector));
  }

  function words(element, name) {
    return (element.getAttribute(name) || "").split(" ");
  }

  function setUp(filter) {
    var chips = all(filter, "[data-filter-tag]");
    var menus = all(filter, "select[data-filter-key]");
    var clear = filter.querySelector("[data-filter-clear]");
    var entries = all(document, ".timeline .entry");
    var groups = all(document, ".timeline .month, .timeline .year");
    var marks = all(document, ".chart-mark[href^='#event-']");  // the picture of time
    var status = filter.querySelector(".filter-status");
    var template = status ? status.getAttribute("data-template") || "" : "";
    var known = {};  // the values each key of this page's filter can take
    var state = {};

    if (chips.length) {
      known.tag = chips.map(function (chip) { return chip.getAttribute("data-filter-tag"); });
    }
    menus.forEach(function (menu) {
      known[menu.getAttribute("data-filter-key")] = all(menu, "option").map(function (o) {
        return o.value;
      });
    });

    function read() {  // unknown values count as no filter
      var query = new URLSearchParams(location.search);
      Object.keys(known).forEach(function (key) {
        var value = query.get(key) || "";
        state[key] = known[key].indexOf(value) !== -1 ? value : "";
      });
    }

    function active() {
      return Object.keys(known).some(function (key) { return state[key]; });
    }

    function matches(entry) {
      return (!state.tag || words(entry, "data-tags").indexOf(state.tag) !== -1) &&
        (!state.year || entry.getAttribute("data-year") === state.year) &&
        (!state.source || words(entry, "data-sources").indexOf(state.source) !== -1);
    }

    function show(announce) {
      var shown = 0;
      entries.forEach(function (entry) {
        entry.hidden = !matches(entry);
        if (!entry.hidden) { shown += 1; }
      });
      groups.forEach(function (group) {
        group.hidden = !group.querySelector(".entry:not([hidden])");
      });
      marks.forEach(function (mark) {  // a mark of a hidden entry fades and leaves the tab order
        var entry = document.getElementById(mark.getAttribute("href").slice(1));
        var out = !!entry && entry.hidden;
        mark.classList.toggle("is-filtered-out", out);
        if (out) {
          mark.setAttribute("tabindex", "-1");
          mark.setAttribute("aria-hidden", "true");
        } else {
          mark.removeAttribute("tabindex");
          mark.removeAttribute("aria-hidden");
        }
      });
      chips.forEach(function (chip) {
        var pressed = chip.getAttribute("data-filter-tag") === (state.tag || "");
        chip.setAttribute("aria-pressed", String(pressed));
      });
      menus.forEach(function (menu) { menu.value = state[menu.getAttribute("data-filter-key")]; });
      if (clear) { clear.hidden = !active(); }
      if (status && (announce || active())) {
        status.textContent = template.replace("{shown}", String(shown));
      }
    }

    function change() {  // show the new state and add it to the history
      var parts = location.search.slice(1).split("&").filter(function (part) {
        return part && !known.hasOwnProperty(part.split("=")[0]);
      });
      Object.keys(known).forEach(function (key) {
        if (state[key]) { parts.push(key + "=" + encodeURIComponent(state[key])); }
      });
      var query = parts.length ? "?" + parts.join("&") : "";
      show(true);
      try {
        history.pushState(null, "", location.pathname + query + location.hash);
      } catch (error) { /* a browser that refuses it keeps the filter, not the address */ }
    }

    chips.forEach(function (chip) {
      chip.addEventListener("click", function () {
        var tag = chip.getAttribute("data-filter-tag") || "";
        state.tag = chip.getAttribute("aria-pressed") === "true" ? "" : tag;
        change();
      });
    });
    menus.forEach(function (menu) {
      menu.addEventListener("change", function () {
        state[menu.getAttribute("data-filter-key")] = menu.value;
        change();
      });
    });
    if (clear) {
      clear.addEventListener("click", function () {
        Object.keys(known).forEach(function (key) { state[key] = ""; });
        change();
        (chips[0] || menus[0]).focus();  // the button is gone: keep focus in the filter
      });
    }
    window.addEventListener("popstate", function () {  // also on following a #link
      var before = JSON.stringify(state);
      read();
      if (JSON.stringify(state) !== before) { show(true); }
    });
    read();
    show(false);
    filter.hidden = false;
  }

  function move(forward) {  // focus the title of the next or previous visible entry
    var active = document.activeElement;
    var home = !active || active === document.body || active.id === "main";
    var here = home ? null : active.closest(".timeline .entry");
    var before = [];
    var after = [];
    all(document, ".timeline .entry").forEach(function (entry) {
      if (entry === here || !entry.getClientRects().length) { return; }
      var later = home ? entry.getBoundingClientRect().top >= 1
        : (here || active).compareDocumentPosition(entry) & Node.DOCUMENT_POSITION_FOLLOWING;
      (later ? after : before).push(entry);
    });
    var target = forward ? after[0] : before[before.length - 1];
    var link = target && target.querySelector(".entry-title a");
    if (link) {
      link.focus();
      target.scrollIntoView({block: "nearest"});
    }
  }

  function onKey(event) {
    var target = event.target;
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey ||
        (event.key !== "j" && event.key !== "k") || target.isContentEditable ||
        /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName)) { return; }
    event.preventDefault();
    move(event.key === "j");
  }

  function start() {
    var filter = document.querySelector("[data-filter]");
    if (filter) { setUp(filter); }
    if (document.querySelector(".timeline .entry")) {
      document.addEventListener("keydown", onKey);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
