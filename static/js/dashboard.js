/*
 * The dashboard's charts. The page is complete without them: every chart has a table with the same
 * numbers, open until the charts are drawn. The figures come from the node's data.json (the same
 * scope check as the page); the series names come from the page's data-label-* attributes, in the
 * reader's language. ECharts draws on canvas and sets its styles through the CSSOM, which the CSP
 * allows; tooltips are drawn as rich text on the canvas, not as HTML with style attributes.
 *
 * Colours: the Okabe–Ito palette (told apart with the common colour-vision deficiencies), each at
 * 3:1 or more against white, and never the only cue: lines differ in dash and marker, the
 * new-employment-form bars are hatched and starred, targets are black markers, bars carry labels.
 */
(function () {
  "use strict";

  const BLUE = "#0072B2";
  const VERMILLION = "#D55E00";
  const INK = "#1f1f1f";
  const STAR = " ★";
  const HATCH = {
    symbol: "rect",
    color: "rgba(255, 255, 255, 0.55)",
    dashArrayX: [1, 0],
    dashArrayY: [3, 4],
    rotation: -Math.PI / 4,
  };

  const root = document.querySelector("[data-dashboard]");
  if (!root || !window.echarts || !window.fetch) {
    return;
  }
  const labels = root.dataset;
  const locale = (document.documentElement.lang || "").toLowerCase().startsWith("zh") ? "ZH" : "EN";
  const numberFormat = new Intl.NumberFormat(document.documentElement.lang || undefined);
  const charts = [];

  function count(value) {
    return value === null || value === undefined ? "—" : numberFormat.format(value);
  }

  function base() {
    return {
      aria: { enabled: true, label: { enabled: true } },
      animationDuration: 400,
      textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
      tooltip: { trigger: "axis", renderMode: "richText", axisPointer: { type: "shadow" } },
    };
  }

  function horizontalBars(rows, options) {
    options = options || {};
    const option = base();
    option.grid = { left: 8, right: 56, top: options.legend ? 36 : 8, bottom: 8 };
    option.xAxis = { type: "value", minInterval: 1, axisLabel: { hideOverlap: true } };
    option.yAxis = {
      type: "category",
      inverse: true,
      data: rows.map(function (row) {
        return row.label + (row.new_form ? STAR : "");
      }),
      axisLabel: { width: 120, overflow: "truncate", color: INK },
      axisTick: { show: false },
    };
    option.series = [
      {
        name: options.seriesName || labels.labelMembers,
        type: "bar",
        barMaxWidth: 22,
        color: BLUE,
        label: { show: true, position: "right", color: INK, formatter: options.barLabel || labelCount },
        data: rows.map(function (row) {
          const item = { value: row.count };
          if (row.new_form) {
            item.itemStyle = { color: VERMILLION, decal: HATCH };
          }
          return item;
        }),
      },
    ];
    return option;
  }

  function labelCount(params) {
    return count(params.value);
  }

  // The month under way: its joins and leavers so far stand apart as hollow markers, off the lines of
  // the whole months, and its label says so; drawn on the line, a month's first days read as a collapse.
  function whole(trend, key) {
    return trend.map(function (p) {
      return p.partial ? null : p[key];
    });
  }

  function partial(trend, key) {
    return trend.map(function (p) {
      return p.partial ? p[key] : null;
    });
  }

  function partialMarkers(name, trend, key, colour, symbol) {
    return {
      name: name + " (" + labels.labelPartial + ")",
      type: "scatter",
      color: colour,
      symbol: symbol,
      symbolSize: 10,
      data: partial(trend, key),
    };
  }

  function trendOption(figures) {
    const trend = figures.members.trend;
    const option = base();
    option.tooltip.axisPointer = { type: "line" };
    // The legend below, the axis names above: on a phone the two would collide.
    option.legend = { bottom: 0, itemGap: 16, data: [labels.labelJoins, labels.labelLeavers, labels.labelMembers] };
    option.grid = { left: 8, right: 8, top: 36, bottom: 44 };
    option.xAxis = {
      type: "category",
      data: trend.map(function (p) {
        return p.partial ? p.month + " " + labels.labelPartial : p.month;
      }),
      // The last label always: it is the one that says the month is not over.
      axisLabel: { hideOverlap: true, showMaxLabel: true, color: INK },
    };
    option.yAxis = [
      { type: "value", minInterval: 1, name: labels.labelJoins + " / " + labels.labelLeavers, nameTextStyle: { align: "left" } },
      { type: "value", minInterval: 1, name: labels.labelTotal, splitLine: { show: false }, nameTextStyle: { align: "right" } },
    ];
    option.series = [
      {
        name: labels.labelJoins,
        type: "line",
        color: BLUE,
        symbol: "circle",
        symbolSize: 6,
        lineStyle: { width: 2.5 },
        data: whole(trend, "joins"),
      },
      partialMarkers(labels.labelJoins, trend, "joins", BLUE, "emptyCircle"),
      {
        name: labels.labelLeavers,
        type: "line",
        color: VERMILLION,
        symbol: "triangle",
        symbolSize: 8,
        lineStyle: { width: 2.5, type: "dashed" },
        data: whole(trend, "leavers"),
      },
      partialMarkers(labels.labelLeavers, trend, "leavers", VERMILLION, "emptyTriangle"),
      {
        name: labels.labelMembers,
        type: "line",
        yAxisIndex: 1,
        color: INK,
        symbol: "none",
        lineStyle: { width: 2, type: "dotted" },
        data: trend.map(function (p) {
          return p.total;
        }),
      },
    ];
    return option;
  }

  function enrolmentOption(figures) {
    const rows = figures.enrolment.map(function (row) {
      return { label: row.label, count: row.joined };
    });
    const option = horizontalBars(rows, {
      legend: true,
      seriesName: labels.labelJoined,
      barLabel: function (params) {
        const row = figures.enrolment[params.dataIndex];
        return row.rate === null ? count(row.joined) : count(row.joined) + " (" + row.rate + "%)";
      },
    });
    option.grid.right = 88;
    option.legend = { top: 0, itemGap: 16 };
    option.series.push({
      name: labels.labelTarget,
      type: "scatter",
      color: INK,
      symbol: "rect",
      symbolSize: [4, 24],
      z: 5,
      data: figures.enrolment.map(function (row) {
        return row.target;
      }),
    });
    return option;
  }

  const BUILDERS = {
    trend: trendOption,
    enrolment: enrolmentOption,
    political: function (figures) {
      return horizontalBars(figures.composition.political);
    },
    employment: function (figures) {
      return horizontalBars(figures.composition.employment);
    },
    sex: function (figures) {
      return horizontalBars(figures.composition.sex);
    },
    age: function (figures) {
      return horizontalBars(figures.composition.age);
    },
  };

  function draw(figures) {
    // A breakdown hidden whole (small counts on a leader's view) has nothing to draw: its table,
    // holding dashes and the note, stays open instead.
    const hidden = (figures.composition && figures.composition.hidden_breakdowns) || [];
    root.querySelectorAll("[data-chart]").forEach(function (box) {
      const build = BUILDERS[box.dataset.chart];
      if (!build || hidden.indexOf(box.dataset.chart) !== -1) {
        return;
      }
      box.classList.remove("d-none");
      const chart = window.echarts.init(box, null, { renderer: "canvas", locale: locale });
      chart.setOption(build(figures));
      charts.push(chart);
      if (window.ResizeObserver) {
        new ResizeObserver(function () {
          chart.resize();
        }).observe(box);
      }
    });
    root.querySelectorAll("[data-chart-note]").forEach(function (note) {
      if (hidden.indexOf("employment") === -1) {
        note.classList.remove("d-none");
      }
    });
    // The charts are up: the tables fold away behind "The numbers", one click to open.
    root.querySelectorAll("details.chart-numbers").forEach(function (details) {
      if (!details.parentElement.querySelector("[data-chart].d-none")) {
        details.open = false;
      }
    });
    root.dataset.chartsReady = "true";
  }

  let pending = null;
  window.addEventListener("resize", function () {
    if (pending) {
      return;
    }
    pending = window.requestAnimationFrame(function () {
      pending = null;
      charts.forEach(function (chart) {
        chart.resize();
      });
    });
  });

  fetch(root.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) {
      if (!response.ok) {
        throw new Error("dashboard data: HTTP " + response.status);
      }
      return response.json();
    })
    .then(draw)
    .catch(function (error) {
      // The tables stay open and hold every number; the charts are an addition.
      root.dataset.chartsReady = "failed";
      if (window.console) {
        window.console.warn(error);
      }
    });
})();
