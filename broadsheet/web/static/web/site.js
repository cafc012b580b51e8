// A publisher's picture that fails to load (moved, hot-link protected, offline) leaves no
// empty frame: its box is hidden and its card marked "no-pic", which site.css lays out as a
// card without a picture; a failed icon just goes. A static file, so the Content-Security-
// Policy needs no inline script (and no onerror attributes).
//
// Loaded in <head> without `defer`: the listener is then in place before the first <img> is
// parsed, so it hears every failure. (A check after the fact cannot tell a failed picture
// from a lazy one not loaded yet: Chrome reports both as complete with no width.)
document.addEventListener("error", function (event) {
  var img = event.target;
  if (img.tagName !== "IMG") return;
  if (img.classList.contains("icon")) {
    img.hidden = true;
    return;
  }
  var frame = img.closest(".pic") || img.closest("figure") || img;
  frame.hidden = true;
  var card = img.closest(".card");
  if (card) card.classList.add("no-pic");
}, true);

// On a phone the section menu is one row that scrolls sideways (site.css). A link the
// keyboard reaches there may sit half off the edge, which the browser leaves as it is: bring
// it whole onto the screen, clear of the faded edge (the menu's scroll-padding).
document.addEventListener("focusin", function (event) {
  if (event.target.closest && event.target.closest("nav.sections")) {
    event.target.scrollIntoView({block: "nearest", inline: "nearest"});
  }
});

// The section the reader is in is marked in the menu; on a phone, scroll the menu to it.
document.addEventListener("DOMContentLoaded", function () {
  var current = document.querySelector("nav.sections a[aria-current]");
  var menu = current && current.parentElement;
  if (menu && current.offsetLeft + current.offsetWidth > menu.clientWidth) {
    menu.scrollLeft = current.offsetLeft - menu.offsetLeft - 16;
  }
});
