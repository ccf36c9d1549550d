/*
 * The integrity panel's charts (reports/dashboard/_integrity.html). The panel is complete without them:
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
  const locale = (document.documentElement.lang || "").toLowerCase().startsWith("zh") ? "ZH" : "EN";
  const numberFormat = new Intl.NumberFormat(document.documentElement.lang || undefined);
  const charts = [];

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

  function draw(root, figures) {
    root.querySelectorAll("[data-integrity-chart]").forEach(function (box) {
      const build = BUILDERS[box.dataset.integrityChart];
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
          throw new Error("integrity data: HTTP " + response.status);
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
  document.querySelectorAll("[data-integrity-dashboard]").forEach(start);
  document.body.addEventListener("htmx:load", function (event) {
    const element = event.detail && event.detail.elt;
    if (element && element.matches && element.matches("[data-integrity-dashboard]")) {
      start(element);
    } else if (element && element.querySelectorAll) {
      element.querySelectorAll("[data-integrity-dashboard]").forEach(start);
    }
  });
})();
