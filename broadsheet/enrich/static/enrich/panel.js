// AI panel: fill placeholders from their fragment URL and answer questions in place,
// without reloading the page. Plain fetch; no framework, nothing from a CDN.
(function () {
  "use strict";
  function fill(el, tries) {
    fetch(el.dataset.enrichSrc, { headers: { "X-Requested-With": "fetch" } })
      .then(function (r) {
        return r.text().then(function (html) {
          el.innerHTML = html;
          // 202: still being prepared; 429: too many requests from this address just now.
          if (r.status === 202 && tries < 20) setTimeout(function () { fill(el, tries + 1); }, 3000);
          if (r.status === 429 && tries < 20) setTimeout(function () { fill(el, tries + 1); }, 15000);
        });
      })
      .catch(function () { if (tries < 20) setTimeout(function () { fill(el, tries + 1); }, 5000); });
  }
  function ask(form, event) {
    event.preventDefault();
    var out = form.querySelector(".ai-answer");
    var q = form.querySelector("input[name=q]").value.trim();
    if (!q) return;
    var url = form.action + "?q=" + encodeURIComponent(q);
    out.textContent = "Looking through the coverage…";
    fetch(url, { headers: { "X-Requested-With": "fetch" } })
      .then(function (r) { return r.text(); })
      .then(function (html) { out.innerHTML = html; })
      .catch(function () { out.textContent = "The answer could not be loaded. Try again."; });
  }
  function init() {
    document.querySelectorAll("[data-enrich-src]").forEach(function (el) {
      if (!el.dataset.enrichStarted) { el.dataset.enrichStarted = "1"; fill(el, 0); }
    });
    document.querySelectorAll("form[data-enrich-ask]").forEach(function (form) {
      if (!form.dataset.enrichBound) {
        form.dataset.enrichBound = "1";
        form.addEventListener("submit", function (e) { ask(form, e); });
      }
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
