/*
 * The competitions panel's charts (reports/dashboard/_campaigns.html). The panel is complete without them:
 * each chart has a table with the same numbers, open until the chart is drawn. The figures come from the
 * node's campaigns.json (the same scope check as the page). Colours as the other dashboard charts
 * (Okabe–Ito); ECharts draws on canvas, so the CSP is untouched. On a node's dashboard the panel arrives
 * after the page (htmx): it is drawn when it is swapped in.
 */
(function () {
  "use strict";

  const COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7"];
  const INK = "#1f1f1f";
  if (!window.echarts || !window.fetch) {
    return;
  }
  const locale = (document.documentElement.lang || "").toLowerCase().startsWith("zh") ? "ZH" : "EN";
  const charts = [];

  function grouped(names, series) {
    // Horizontal bars, one group per row: a series for each figure, labelled at the bars' ends.
    return {
      aria: { enabled: true, label: { enabled: true } },
      animationDuration: 400,
      textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
      tooltip: { trigger: "axis", renderMode: "richText", axisPointer: { type: "shadow" } },
      legend: { top: 0, textStyle: { color: INK } },
      grid: { left: 8, right: 56, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1, axisLabel: { hideOverlap: true } },
      yAxis: {
        type: "category",
        inverse: true,
        data: names,
        axisLabel: { width: window.innerWidth < 576 ? 76 : 120, overflow: "truncate", color: INK },
        axisTick: { show: false },
      },
      series: series.map(function (item, index) {
        return {
          name: item.name,
          type: "bar",
          barMaxWidth: 14,
          color: COLOURS[index % COLOURS.length],
          label: { show: true, position: "right", color: INK },
          data: item.values,
        };
      }),
    };
  }

  function pick(rows, key) {
    return rows.map(function (row) {
      return row[key];
    });
  }

  const BUILDERS = {
    kinds: function (figures, labels) {
      const rows = figures.by_kind.filter(function (row) {
        return row.competitions || row.entries;
      });
      if (!rows.length) {
        return null;
      }
      return grouped(pick(rows, "label"), [
        { name: labels.labelCompetitions, values: pick(rows, "competitions") },
        { name: labels.labelEntries, values: pick(rows, "entries") },
      ]);
    },
    children: function (figures, labels) {
      // Person-times only: beside them a union's handful of entries would not show; the table has both.
      const rows = figures.children.filter(function (row) {
        return row.person_times;
      });
      if (!rows.length) {
        return null;
      }
      return grouped(pick(rows, "name"), [{ name: labels.labelPersonTimes, values: pick(rows, "person_times") }]);
    },
  };

  function draw(root, figures) {
    root.querySelectorAll("[data-campaigns-chart]").forEach(function (box) {
      const build = BUILDERS[box.dataset.campaignsChart];
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

  function start(root) {
    if (!root || root.dataset.chartsReady) {
      return;
    }
    root.dataset.chartsReady = "loading";
    fetch(root.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("campaigns data: HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (figures) {
        draw(root, figures);
      })
      .catch(function (error) {
        // The tables stay open and hold every number; the charts are an addition.
        root.dataset.chartsReady = "failed";
        if (window.console) {
          window.console.warn(error);
        }
      });
  }

  window.addEventListener("resize", function () {
    charts.forEach(function (chart) {
      chart.resize();
    });
  });
  document.querySelectorAll("[data-campaigns-dashboard]").forEach(start);
  document.body.addEventListener("htmx:load", function (event) {
    const element = event.detail && event.detail.elt;
    if (element && element.matches && element.matches("[data-campaigns-dashboard]")) {
      start(element);
    } else if (element && element.querySelectorAll) {
      element.querySelectorAll("[data-campaigns-dashboard]").forEach(start);
    }
  });
})();
