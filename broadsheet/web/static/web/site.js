// A publisher's picture that fails to load (moved, hot-link protected, offline) leaves no
// empty frame: its box is hidden and its card marked "no-pic", which site.css lays out as a
// card without a picture; a failed icon just goes. A static file, so the Content-Security-
// Policy needs no inline script (and no onerror attributes).
function broadsheetHide(img) {
  if (img.classList.contains("icon")) {
    img.hidden = true;
    return;
  }
  var frame = img.closest(".pic") || img.closest("figure") || img;
  frame.hidden = true;
  var card = img.closest(".card");
  if (card) card.classList.add("no-pic");
}
document.addEventListener("error", function (event) {
  if (event.target.tagName === "IMG") broadsheetHide(event.target);
}, true);
document.querySelectorAll("img").forEach(function (img) {
  // failed before this script ran (it is deferred); a lazy picture not yet loaded is not complete
  if (img.complete && img.naturalWidth === 0 && img.getAttribute("src")) broadsheetHide(img);
});
