/*
 * Progress bars: Bootstrap draws a bar's fill from its width, and the CSP forbids style attributes.
 * A bar names its percentage in data-progress and this sets the width through the CSSOM, which the
 * CSP allows. It runs on page load and on every block htmx swaps in (the import page polls its
 * progress). Without JavaScript the bar shows the nearest quarter (w-25 … w-100) and the numbers.
 */
(function () {
  "use strict";

  function fill(root) {
    const bars = root.querySelectorAll ? Array.from(root.querySelectorAll("[data-progress]")) : [];
    if (root.matches && root.matches("[data-progress]")) {
      bars.push(root);
    }
    bars.forEach(function (bar) {
      const percent = Math.max(0, Math.min(100, Number(bar.dataset.progress) || 0));
      // "important": the quarter classes (w-25 …) are !important, and the exact width must win.
      bar.style.setProperty("width", percent + "%", "important");
    });
  }

  if (window.htmx) {
    window.htmx.onLoad(fill);
  } else {
    document.addEventListener("DOMContentLoaded", function () {
      fill(document);
    });
  }
})();
