/*
 * How a dashboard panel's charts are drawn, once for every app's panel (reports/dashboard/_cadres.html,
 * _integrity.html, _campaigns.html). A panel is complete without its charts: each chart has a table with
 * the same numbers, open until the chart is drawn. The panel's figures come from its JSON endpoint
 * (``data-url``, the same scope check as the page); on a node's dashboard the panel arrives after the page
 * (htmx) and is drawn when it is swapped in. Each app's script says only how its charts are built from its
 * figures, and mounts them:
 *
 *   PortalPanelCharts.mount({ panel: "data-campaigns-dashboard", chart: "data-campaigns-chart", builders: BUILDERS });
 *
 * A builder takes the figures and the panel's data attributes (its labels) and returns an ECharts option,
 * or null when that chart is not to be drawn (its table stays).
 */
(function () {
  "use strict";

  const charts = [];
  const locale = (document.documentElement.lang || "").toLowerCase().startsWith("zh") ? "ZH" : "EN";

  function datasetKey(attribute) {
    // "data-campaigns-chart" → "campaignsChart", as the element's dataset names it.
    return attribute.replace(/^data-/, "").replace(/-([a-z])/g, function (_match, letter) {
      return letter.toUpperCase();
    });
  }

  function draw(root, figures, options) {
    const key = datasetKey(options.chart);
    root.querySelectorAll("[" + options.chart + "]").forEach(function (box) {
      const build = options.builders[box.dataset[key]];
      const option = build ? build(figures, root.dataset) : null;
      if (!option) {
        return;
      }
      box.classList.remove("d-none");
      const chart = window.echarts.init(box, null, { renderer: "canvas", locale: locale });
      chart.setOption(option);
      charts.push(chart);
      // Drawn: its table folds away behind "The numbers", one click to open.
      const details = box.nextElementSibling;
      if (details && details.matches("details.chart-numbers")) {
        details.open = false;
      }
    });
    root.dataset.chartsReady = "true";
  }

  function start(root, options) {
    if (!root || root.dataset.chartsReady) {
      return;
    }
    root.dataset.chartsReady = "loading";
    fetch(root.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(options.panel + ": HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (figures) {
        draw(root, figures, options);
      })
      .catch(function (error) {
        // The tables stay open and hold every number; the charts are an addition.
        root.dataset.chartsReady = "failed";
        if (window.console) {
          window.console.warn(error);
        }
      });
  }

  function mount(options) {
    if (!window.echarts || !window.fetch) {
      return;
    }
    const selector = "[" + options.panel + "]";
    document.querySelectorAll(selector).forEach(function (root) {
      start(root, options);
    });
    document.body.addEventListener("htmx:load", function (event) {
      const element = event.detail && event.detail.elt;
      if (element && element.matches && element.matches(selector)) {
        start(element, options);
      } else if (element && element.querySelectorAll) {
        element.querySelectorAll(selector).forEach(function (root) {
          start(root, options);
        });
      }
    });
  }

  window.addEventListener("resize", function () {
    charts.forEach(function (chart) {
      chart.resize();
    });
  });

  window.PortalPanelCharts = { mount: mount };
})();
