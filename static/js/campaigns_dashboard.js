/*
 * The competitions panel's charts (reports/dashboard/_campaigns.html), drawn by panel_charts.js. The panel is complete without them:
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

  window.PortalPanelCharts.mount({ panel: "data-campaigns-dashboard", chart: "data-campaigns-chart", builders: BUILDERS });
})();
