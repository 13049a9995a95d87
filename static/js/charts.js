// Draws each chart from the figure JSON embedded beside its table: an element with
// data-chart="ID" gets the figure in <script type="application/json" id="ID">.
// The tables are the truth: without JavaScript (or without plotly) the page is complete.
// No mode bar: its buttons would be keyboard stops inside a chart that screen readers skip
// (role="img" or aria-hidden), and the tables and downloads beside each chart do its work.
(function () {
  "use strict";
  function draw() {
    if (!window.Plotly) { return; }
    document.querySelectorAll("[data-chart]").forEach(function (target) {
      var source = document.getElementById(target.getAttribute("data-chart"));
      if (!source) { return; }
      var figure = JSON.parse(source.textContent);
      window.Plotly.newPlot(target, figure.data, figure.layout, {responsive: true, displayModeBar: false});
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
