// The shortlist, kept in this browser (localStorage) so public pages stay the same for every visitor
// and can be cached: the header count, the buttons' state and the link to the shortlist page are
// filled in here. Without JavaScript the buttons stay hidden; the shortlist page works from its URL.
(function () {
  "use strict";
  var KEY = "portal.shortlist";
  var MAX = 20;

  function load() {
    try {
      var items = JSON.parse(window.localStorage.getItem(KEY) || "[]");
      return Array.isArray(items) ? items.filter(function (item) {
        return item && (item.kind === "project" || item.kind === "park") && typeof item.slug === "string";
      }) : [];
    } catch (error) {
      return [];
    }
  }

  function save(items) {
    try {
      window.localStorage.setItem(KEY, JSON.stringify(items.slice(0, MAX)));
    } catch (error) { /* storage full or refused: the page keeps working without the shortlist */ }
  }

  function has(items, kind, slug) {
    return items.some(function (item) { return item.kind === kind && item.slug === slug; });
  }

  function without(items, kind, slug) {
    return items.filter(function (item) { return !(item.kind === kind && item.slug === slug); });
  }

  function query(items) {
    var params = new URLSearchParams();
    items.forEach(function (item) { params.append(item.kind, item.slug); });
    return params.toString();
  }

  function pageUrl(base, items) {
    var search = query(items);
    return search ? base + "?" + search : base;
  }

  function show(items) {
    document.querySelectorAll("[data-shortlist-count]").forEach(function (count) {
      if (count.textContent !== String(items.length)) count.textContent = String(items.length);
    });
    document.querySelectorAll("[data-shortlist-nav]").forEach(function (nav) { nav.hidden = false; });
    document.querySelectorAll("[data-shortlist-link]").forEach(function (link) {
      link.setAttribute("href", pageUrl(link.getAttribute("href").split("?")[0], items));
    });
    document.querySelectorAll(".shortlist-button").forEach(function (button) {
      var chosen = has(items, button.dataset.shortlistKind, button.dataset.shortlistSlug);
      button.hidden = false;
      button.setAttribute("aria-pressed", chosen ? "true" : "false");
      button.firstChild.textContent = chosen ? button.dataset.labelAdded : button.dataset.labelAdd;
    });
  }

  function toggle(button) {
    var items = load();
    var kind = button.dataset.shortlistKind, slug = button.dataset.shortlistSlug;
    if (has(items, kind, slug)) {
      items = without(items, kind, slug);
    } else if (items.length < MAX) {
      items.push({ kind: kind, slug: slug, name: button.dataset.shortlistName || slug });
    }
    save(items);
    show(items);
  }

  function start() {
    var items = load();
    var page = document.querySelector("[data-shortlist-page]");
    if (page && !window.location.search && items.length) {
      // The shortlist page shows what its URL names: go to this browser's shortlist.
      window.location.replace(pageUrl(page.dataset.shortlistPage, items));
      return;
    }
    show(items);
    document.addEventListener("click", function (event) {
      var button = event.target.closest(".shortlist-button");
      if (button) {
        toggle(button);
        return;
      }
      var remove = event.target.closest("[data-shortlist-remove]");
      if (remove) {
        save(without(load(), remove.dataset.shortlistKind, remove.dataset.shortlistSlug));
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
