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
      // No toolbar on a phone: it would sit over the chart's title (the table has the numbers).
      var narrow = window.matchMedia("(max-width: 40rem)").matches;
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
