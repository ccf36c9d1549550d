/*
 * The cadres panel's charts (reports/dashboard/_cadres.html), drawn by panel_charts.js. The panel is complete without them: each
 * chart has a table with the same numbers, open until the chart is drawn. The figures come from the
 * node's cadres.json (the same scope check and the same hidden small counts as the page); a chart whose
 * numbers are partly hidden is not drawn, its table stays. Colours as the other dashboard charts
 * (Okabe–Ito blue, labels on the bars); ECharts draws on canvas, so the CSP is untouched. On a node's
 * dashboard the panel arrives after the page (htmx): it is drawn when it is swapped in.
 */
(function () {
  "use strict";

  const BLUE = "#0072B2";
  const INK = "#1f1f1f";
  if (!window.echarts || !window.fetch) {
    return;
  }
  const numberFormat = new Intl.NumberFormat(document.documentElement.lang || undefined);

  function bars(names, values, seriesName, formatter, max) {
    // One series of horizontal bars, labelled at their ends.
    return {
      aria: { enabled: true, label: { enabled: true } },
      animationDuration: 400,
      textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
      tooltip: { trigger: "axis", renderMode: "richText", axisPointer: { type: "shadow" } },
      grid: { left: 8, right: 96, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1, max: max, axisLabel: { hideOverlap: true } },
      yAxis: {
        type: "category",
        inverse: true,
        data: names,
        axisLabel: { width: 120, overflow: "truncate", color: INK },
        axisTick: { show: false },
      },
      series: [
        {
          name: seriesName,
          type: "bar",
          barMaxWidth: 22,
          color: BLUE,
          label: { show: true, position: "right", color: INK, formatter: formatter },
          data: values,
        },
      ],
    };
  }

  const BUILDERS = {
    completion: function (figures, labels) {
      const rows = figures.children.filter(function (row) {
        return row.completion_rate !== null;
      });
      if (!rows.length) {
        return null;
      }
      return bars(
        rows.map(function (row) {
          return row.name;
        }),
        rows.map(function (row) {
          return row.completion_rate;
        }),
        labels.labelRate,
        function (params) {
          const row = rows[params.dataIndex];
          return row.completion_rate + "% (" + numberFormat.format(row.completed) + "/" + numberFormat.format(row.owing) + ")";
        },
        100
      );
    },
    grades: function (figures, labels) {
      const rows = figures.grades.rows;
      if (!rows.length || rows.some(function (row) { return row.count === null; })) {
        return null;
      }
      return bars(
        rows.map(function (row) {
          return row.label;
        }),
        rows.map(function (row) {
          return row.count;
        }),
        labels.labelCount,
        function (params) {
          return numberFormat.format(params.value);
        }
      );
    },
  };

  window.PortalPanelCharts.mount({ panel: "data-cadres-dashboard", chart: "data-cadre-chart", builders: BUILDERS });
})();
