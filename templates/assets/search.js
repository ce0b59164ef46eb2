/* Search the index the build wrote in search/: script files, so it works from disk too.
   Without JavaScript (or without Unicode regular expressions) the form stays hidden.
   No strings live here: the page carries them (translated) in data attributes.
   Matching mirrors timeline/site/search.py: fold (lower case, NFKD, no accents), words
   of letters and digits, every word found, the last one also as a prefix. */
(function () {
  "use strict";
  var WORD, MARK, SPAN;
  try {
    WORD = new RegExp("[\\p{L}\\p{N}]+", "gu");
    MARK = new RegExp("\\p{Mn}", "gu");
    SPAN = new RegExp("[\\p{L}\\p{N}\\p{M}]+", "gu");
  } catch (error) {
    return;
  }
  var PAGE = 10;
  var store = {};
  var waiting = {};

  function fold(text) {
    return text.toLowerCase().replace(/\u00df|\u1e9e/g, "ss").replace(/\u03c2/g, "\u03c3")
      .normalize("NFKD").replace(MARK, "");
  }

  function words(text) {
    return fold(text).match(WORD) || [];
  }

  /* The plural category of a count in the page's language (CLDR's, as the build
     wrote a form of the status for each): one, few, many... */
  function plural(count) {
    try {
      return new Intl.PluralRules(document.documentElement.lang || "en").select(count);
    } catch (error) {
      return count === 1 ? "one" : "other";
    }
  }

  function shardOf(term, count) {
    var head = Array.from(term).slice(0, 2).join("");
    var value = 0;
    for (var i = 0; i < head.length; i += 1) {
      value = (value * 31 + head.charCodeAt(i)) % 65521;
    }
    return value % count;
  }

  window.timelineSearch = {
    fold: fold,
    shard: shardOf,
    add: function (name, data) {
      store[name] = data;
      var then = waiting[name] || [];
      delete waiting[name];
      then.forEach(function (done) { done(data); });
    }
  };

  function load(base, names, done) {
    var left = names.length;
    if (!left) { done(); }
    names.forEach(function (name) {
      function arrived() {
        left -= 1;
        if (!left) { done(); }
      }
      if (name in store) { arrived(); return; }
      if (waiting[name]) { waiting[name].push(arrived); return; }
      waiting[name] = [arrived];
      var script = document.createElement("script");
      script.src = base + name + ".js";
      script.onerror = function () { window.timelineSearch.add(name, null); };
      document.head.appendChild(script);
    });
  }

  /* Return [[event number, title words matched]] of the events holding every word. */
  function match(query, meta) {
    var found = null;
    query.forEach(function (word, index) {
      var prefix = index === query.length - 1 && Array.from(word).length > 1;
      var terms = store["terms-" + shardOf(word, meta.terms)] || {};
      var hits = {};
      Object.keys(terms).forEach(function (term) {
        if (term !== word && !(prefix && term.indexOf(word) === 0)) { return; }
        var number = -1;
        terms[term].forEach(function (step) {
          number += step >> 1;
          hits[number] = (hits[number] || 0) | (step & 1);
        });
      });
      var next = {};
      Object.keys(hits).forEach(function (number) {
        if (found === null || number in found) {
          next[number] = (found === null ? 0 : found[number]) + hits[number];
        }
      });
      found = next;
    });
    return Object.keys(found || {}).map(function (number) {
      return [Number(number), found[number]];
    }).sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
  }

  /* Append text to parent with the words matching query in <mark>; return the index of
     the first match, or -1. */
  function marked(parent, text, query) {
    var last = query[query.length - 1];
    var prefix = Array.from(last).length > 1;
    var at = 0;
    var first = -1;
    text.replace(SPAN, function (span, offset) {
      var word = fold(span);
      if (query.indexOf(word) === -1 && !(prefix && word.indexOf(last) === 0)) {
        return span;
      }
      if (parent) {
        parent.appendChild(document.createTextNode(text.slice(at, offset)));
        parent.appendChild(document.createElement("mark")).textContent = span;
      }
      if (first === -1) { first = offset; }
      at = offset + span.length;
      return span;
    });
    if (parent) { parent.appendChild(document.createTextNode(text.slice(at))); }
    return first;
  }

  function snippet(text, query) {
    var first = Math.max(marked(null, text, query), 0);
    var start = Math.max(0, text.lastIndexOf(" ", Math.max(0, first - 60)));
    var end = text.indexOf(" ", Math.min(text.length, start + 200));
    if (end === -1) { end = text.length; }
    return (start > 0 ? "\u2026" : "") + text.slice(start, end).trim() +
      (end < text.length ? "\u2026" : "");
  }

  function setUp(form) {
    var input = form.querySelector("input[name=q]");
    var status = form.querySelector(".search-status");
    var list = form.querySelector(".search-results");
    var more = form.querySelector(".search-more");
    var meta = form.getAttribute("data-search");
    var base = meta.slice(0, meta.lastIndexOf("/") + 1);
    var current = 0;
    var results = [];
    var shown = 0;
    var query = [];

    function show(count, done) {
      var ask = current;
      var size = store.meta.size;
      var part = results.slice(shown, shown + count);
      var names = part.map(function (r) { return "docs-" + Math.floor(r[0] / size); });
      load(base, names, function () {
        if (ask !== current) { return; }
        part.forEach(function (result) {
          var doc = (store["docs-" + Math.floor(result[0] / size)] || [])[result[0] % size];
          if (!doc) { return; }
          var item = list.appendChild(document.createElement("li"));
          var link = item.appendChild(document.createElement("a"));
          link.href = doc[2];
          marked(link, doc[0], query);
          item.appendChild(document.createElement("span")).textContent = doc[1];
          marked(item.appendChild(document.createElement("p")), snippet(doc[3], query), query);
        });
        shown += part.length;
        more.hidden = shown >= results.length;
        if (done) { done(); }
      });
    }

    function search(text) {
      current += 1;
      var ask = current;
      query = words(text).filter(function (w, i, all) { return all.indexOf(w) === i; });
      results = [];
      shown = 0;
      list.textContent = "";
      more.hidden = true;
      if (!query.length) { status.textContent = ""; return; }
      load(base, ["meta"], function () {
        if (ask !== current || !store.meta) { return; }
        var terms = query.map(function (w) { return "terms-" + shardOf(w, store.meta.terms); });
        load(base, terms, function () {
          if (ask !== current) { return; }
          results = match(query, store.meta);
          show(PAGE, function () {
            var template = status.getAttribute("data-" + plural(results.length)) ||
              status.getAttribute("data-other");
            status.textContent = template.replace("{n}", String(results.length))
              .replace("{q}", text.trim());
          });
        });
      });
    }

    function remember(text) {
      var kept = location.search.slice(1).split("&").filter(function (pair) {
        return pair && pair.split("=")[0] !== "q";
      });
      if (text) { kept.push("q=" + encodeURIComponent(text).replace(/%20/g, "+")); }
      try {
        history.replaceState(history.state, "", (kept.length ? "?" + kept.join("&") : "?") +
          location.hash);
      } catch (error) { /* some browsers refuse it from disk: the results stay */ }
    }

    input.addEventListener("focus", function () { load(base, ["meta"], function () {}); });
    input.addEventListener("input", function () { search(input.value); });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      search(input.value);
      remember(input.value);
    });
    more.addEventListener("click", function () {
      var next = list.children.length;
      show(PAGE, function () {
        var item = list.children[next];
        if (item) { item.querySelector("a").focus(); }
      });
    });
    form.hidden = false;
    location.search.slice(1).split("&").forEach(function (pair) {
      var parts = pair.split("=");
      if (parts[0] === "q" && parts.length > 1) {
        try {
          input.value = decodeURIComponent(parts.slice(1).join("=").replace(/\+/g, " "));
        } catch (error) { return; }
        search(input.value);
      }
    });
  }

  var forms = document.querySelectorAll("form[data-search]");
  for (var i = 0; i < forms.length; i += 1) { setUp(forms[i]); }
}());
