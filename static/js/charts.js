// Draws each chart from the figure JSON embedded beside its table: an element with
// data-chart="ID" gets the figure in <script type="application/json" id="ID">.
// The tables are the truth: without JavaScript (or without plotly) the page is complete.
(function () {
  "use strict";
  function draw() {
    if (!window.Plotly) { return; }
    document.querySelectorAll("[data-chart]").forEach(function (target) {
      var source = document.getElementById(target.getAttribute("data-chart"));
      if (!source) { return; }
      var figure = JSON.parse(source.textContent);
      // No toolbar on a phone: at 375 px its buttons sit over the chart's title (the table has the
      // numbers). From 480 px on, the title (left) and the toolbar (right) fit side by side.
      var narrow = window.matchMedia("(max-width: 30rem)").matches;
      window.Plotly.newPlot(target, figure.data, figure.layout,
                            {responsive: true, displaylogo: false, displayModeBar: narrow ? false : "hover"});
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
