// 长辈模式 (elder mode) of the wenming default theme: larger text, larger targets and higher
// contrast, as the class "elder" on <html> (style.css does the rest). The choice is kept in
// localStorage (a cookie where storage is blocked), so it holds on every page of the site.
// This file is loaded in <head> so that the mode applies before the page is drawn; it also
// marks <html> with the class "js", which shows the toggle (style.css keeps its place from the
// first paint, so the page does not move). Without JavaScript the toggle stays hidden and the
// page works as it is.
(function () {
  'use strict';
  var KEY = 'wenming-elder';
  var root = document.documentElement;
  root.classList.add('js');

  function stored() {
    try {
      var value = window.localStorage.getItem(KEY);
      if (value !== null) return value === '1';
    } catch (e) { /* storage blocked: fall back to the cookie */ }
    return /(?:^|;\s*)wenming-elder=1(?:;|$)/.test(document.cookie);
  }

  function store(on) {
    try {
      window.localStorage.setItem(KEY, on ? '1' : '0');
      return;
    } catch (e) { /* storage blocked: use a cookie for the whole site */ }
    document.cookie = KEY + '=' + (on ? '1' : '0') + '; path=/; max-age=31536000; SameSite=Lax';
  }

  function apply(on) {
    if (on) root.classList.add('elder'); else root.classList.remove('elder');
    var button = document.getElementById('elder-toggle');
    if (button) button.setAttribute('aria-pressed', on ? 'true' : 'false');
  }

  apply(stored());

  // The header search box leads to the site map without JavaScript (search runs in the
  // browser); with it, the box goes to the search page. Done here rather than in an inline
  // script, so the site works under a Content-Security-Policy without 'unsafe-inline'.
  function searchBox() {
    var form = document.getElementById('search-box');
    if (form && form.getAttribute('data-search')) form.action = form.getAttribute('data-search');
  }

  function init() {
    searchBox();
    var button = document.getElementById('elder-toggle');
    if (!button) return;
    apply(root.classList.contains('elder'));
    button.addEventListener('click', function () {
      var on = !root.classList.contains('elder');
      apply(on);
      store(on);
    });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();

  // A page restored from the back-forward cache, or another tab, may hold an older choice.
  window.addEventListener('pageshow', function () { apply(stored()); });
  window.addEventListener('storage', function (event) {
    if (event.key === KEY) apply(event.newValue === '1');
  });
})();
