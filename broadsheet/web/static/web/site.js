// Hide publisher images that fail to load (moved, hot-link protected, offline) instead of
// leaving an empty frame. A static file, so the Content-Security-Policy needs no inline script.
document.addEventListener("error", function (event) {
  var img = event.target;
  if (img.tagName !== "IMG") return;
  var frame = img.closest("figure") || img.closest("a") || img;
  frame.hidden = true;
}, true);
document.querySelectorAll("img").forEach(function (img) {
  if (img.complete && img.naturalWidth === 0 && img.src) {
    (img.closest("figure") || img.closest("a") || img).hidden = true;
  }
});
