// A table wider than the screen scrolls sideways inside its .table-wrap. Keyboard users can only
// scroll a box they can focus, so a wrap that actually scrolls becomes a named, focusable region
// (named after its table's caption); one that fits stays out of the tab order. Re-checked on resize.
(function () {
  "use strict";
  function mark() {
    document.querySelectorAll(".table-wrap").forEach(function (wrap) {
      var scrolls = wrap.scrollWidth > wrap.clientWidth;
      if (scrolls && !wrap.hasAttribute("tabindex")) {
        var caption = wrap.querySelector("caption");
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", (caption ? caption.textContent.trim() : "Table") + " (scrolls sideways)");
        wrap.setAttribute("data-scroll-marked", "");
      } else if (!scrolls && wrap.hasAttribute("data-scroll-marked")) {
        ["tabindex", "role", "aria-label", "data-scroll-marked"].forEach(function (name) { wrap.removeAttribute(name); });
      }
    });
  }
  var pending = false;
  window.addEventListener("resize", function () {
    if (pending) { return; }
    pending = true;
    window.requestAnimationFrame(function () { pending = false; mark(); });
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mark);
  } else {
    mark();
  }
})();
