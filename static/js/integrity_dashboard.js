/*
 * The integrity panel's charts (reports/dashboard/_integrity.html), drawn by panel_charts.js. The panel is complete without them:
 * each chart has a table with the same numbers, open until the chart is drawn. The figures come from the
 * node's integrity.json (the same scope check and the same hidden small counts as the page); a chart
 * whose numbers are partly hidden is not drawn, its table stays. Colours as the other dashboard charts
 * (Okabe–Ito, labels on the bars); ECharts draws on canvas, so the CSP is untouched. On a node's
 * dashboard the panel arrives after the page (htmx): it is drawn when it is swapped in.
 */
(function () {
  "use strict";

  const COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7"];
  const INK = "#1f1f1f";
  if (!window.echarts || !window.fetch) {
    return;
  }
  const numberFormat = new Intl.NumberFormat(document.documentElement.lang || undefined);

  function base() {
    return {
      aria: { enabled: true, label: { enabled: true } },
      animationDuration: 400,
      textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
      tooltip: { trigger: "axis", renderMode: "richText", axisPointer: { type: "shadow" } },
    };
  }

  function bars(names, values, seriesName, formatter, max) {
    // One series of horizontal bars, labelled at their ends.
    return Object.assign(base(), {
      grid: { left: 8, right: 96, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1, max: max, axisLabel: { hideOverlap: true } },
      yAxis: {
        type: "category",
        inverse: true,
        data: names,
        // Narrower row labels on a phone, so the bars keep most of the width.
        axisLabel: { width: window.innerWidth < 576 ? 76 : 120, overflow: "truncate", color: INK },
        axisTick: { show: false },
      },
      series: [
        {
          name: seriesName,
          type: "bar",
          barMaxWidth: 22,
          color: COLOURS[0],
          label: { show: true, position: "right", color: INK, formatter: formatter },
          data: values,
        },
      ],
    });
  }

  function hasHidden(items) {
    return items.some(function (item) {
      return item.count === null;
    });
  }

  const BUILDERS = {
    coverage: function (figures, labels) {
      const rows = figures.children.filter(function (row) {
        return row.coverage_rate !== null;
      });
      if (!rows.length) {
        return null;
      }
      return bars(
        rows.map(function (row) {
          return row.name;
        }),
        rows.map(function (row) {
          return row.coverage_rate;
        }),
        labels.labelRate,
        function (params) {
          const row = rows[params.dataIndex];
          return row.coverage_rate + "% (" + numberFormat.format(row.covered) + "/" + numberFormat.format(row.in_post) + ")";
        },
        100
      );
    },
    talks: function (figures, labels) {
      const items = figures.totals.talks;
      if (!figures.totals.talks_total || hasHidden(items)) {
        return null;
      }
      return bars(
        items.map(function (item) {
          return item.label;
        }),
        items.map(function (item) {
          return item.count;
        }),
        labels.labelCount,
        function (params) {
          return numberFormat.format(params.value);
        }
      );
    },
    forms: function (figures, labels) {
      const years = figures.forms_by_year;
      if (!years.some(function (year) { return year.total; }) || years.some(function (year) { return hasHidden(year.forms); })) {
        return null;
      }
      return Object.assign(base(), {
        legend: { top: 0, textStyle: { color: INK } },
        grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
        xAxis: {
          type: "category",
          data: years.map(function (year) {
            return String(year.year);
          }),
          axisLabel: { color: INK },
        },
        yAxis: { type: "value", minInterval: 1, name: labels.labelForms },
        series: figures.forms.map(function (form, index) {
          return {
            name: form.label,
            type: "bar",
            stack: "forms",
            barMaxWidth: 36,
            color: COLOURS[index % COLOURS.length],
            data: years.map(function (year) {
              return year.forms[index].count;
            }),
          };
        }),
      });
    },
  };

  window.PortalPanelCharts.mount({ panel: "data-integrity-dashboard", chart: "data-integrity-chart", builders: BUILDERS });
})();
