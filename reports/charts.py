"""Charts for PDFs as inline SVG, drawn on the server with ElementTree (no JavaScript, no library).

ElementTree escapes every label, so a union's name cannot inject markup into the document. Text
names the CJK font itself: WeasyPrint draws SVG text with the SVG's own font, not the page's.
"""

import datetime
import xml.etree.ElementTree as ET

from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 56, 32, 16, 40
LINE_COLOUR = "#b71c1c"
GRID_COLOUR = "#dddddd"
TEXT_COLOUR = "#444444"
FONT_FAMILY = "Noto Sans CJK SC, Noto Sans CJK, sans-serif"
# Okabe-Ito colours, told apart with the common colour-blindnesses; series differ by dash as well.
SERIES_COLOURS = ("#0072b2", "#d55e00", "#009e73", "#cc79a7")
SERIES_DASHES = ("", "6 3", "2 2", "8 3 2 3")
TARGET_COLOUR = "#222222"
LEGEND_HEIGHT = 20


def _nice_step(span: int, ticks: int = 4) -> int:
    raw = max(span / ticks, 1)
    magnitude = 10 ** (len(str(int(raw))) - 1)
    for factor in (1, 2, 5, 10):
        if magnitude * factor >= raw:
            return magnitude * factor
    return magnitude * 10


def _scale(top_value: int) -> tuple[int, int]:
    """The tick step and the axis maximum (a whole number of steps, at least one) for values up to ``top_value``."""
    step = _nice_step(max(top_value, 0))
    return step, max(step * ((top_value + step - 1) // step), step)


def _svg(width: int, height: int, title: str) -> ET.Element:
    svg = ET.Element(
        "svg",
        xmlns="http://www.w3.org/2000/svg",
        viewBox=f"0 0 {width} {height}",
        width=str(width),
        height=str(height),
        role="img",
    )
    svg.set("class", "chart")
    svg.set("font-family", FONT_FAMILY)
    if title:
        ET.SubElement(svg, "title").text = title
    return svg


def _text(parent: ET.Element, x: float, y: float, content: str, *, anchor: str = "start") -> ET.Element:
    label = ET.SubElement(parent, "text", x=f"{x:.1f}", y=f"{y:.1f}", fill=TEXT_COLOUR)
    label.set("font-size", "11")
    label.set("text-anchor", anchor)
    label.text = content
    return label


def _line(parent: ET.Element, x1: float, y1: float, x2: float, y2: float, colour: str, width: float = 1) -> ET.Element:
    return ET.SubElement(
        parent,
        "line",
        x1=f"{x1:.1f}",
        y1=f"{y1:.1f}",
        x2=f"{x2:.1f}",
        y2=f"{y2:.1f}",
        stroke=colour,
        **{"stroke-width": str(width)},
    )


def _done(svg: ET.Element) -> SafeString:
    return mark_safe(ET.tostring(svg, encoding="unicode"))  # noqa: S308 - built by ElementTree, which escapes


def line_chart(points: list[tuple[datetime.date, int]], *, title: str = "", last_suffix: str = "") -> SafeString:
    """A line chart of monthly values: x = months (labelled every third), y = counts from zero.
    ``last_suffix`` marks the last month's label (e.g. "so far" for a month not yet over)."""
    svg = _svg(WIDTH, HEIGHT, title)
    if not points:
        return _done(svg)

    step, y_max = _scale(max(value for _, value in points))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(i: int) -> float:
        return LEFT + (plot_w * i / (len(points) - 1) if len(points) > 1 else plot_w / 2)

    def y(value: int) -> float:
        return TOP + plot_h - plot_h * value / y_max

    for tick in range(0, y_max + 1, step):
        _line(svg, LEFT, y(tick), WIDTH - RIGHT, y(tick), GRID_COLOUR)
        _text(svg, LEFT - 6, y(tick) + 4, f"{tick:,}", anchor="end")
    for i, (month, _value) in enumerate(points):
        if i % 3 == (len(points) - 1) % 3:
            _text(svg, x(i), HEIGHT - BOTTOM + 16, f"{month:%Y-%m}", anchor="middle")
    if last_suffix:
        # On a line of its own below the last month: beside it, it ran into the label before.
        _text(svg, x(len(points) - 1), HEIGHT - BOTTOM + 30, last_suffix, anchor="middle")
    coordinates = " ".join(f"{x(i):.1f},{y(value):.1f}" for i, (_, value) in enumerate(points))
    ET.SubElement(svg, "polyline", points=coordinates, fill="none", stroke=LINE_COLOUR, **{"stroke-width": "2"})
    for i, (_, value) in enumerate(points):
        ET.SubElement(svg, "circle", cx=f"{x(i):.1f}", cy=f"{y(value):.1f}", r="2.5", fill=LINE_COLOUR)
    _text(svg, x(len(points) - 1), y(points[-1][1]) - 8, f"{points[-1][1]:,}", anchor="end")
    return _done(svg)


def _text_width(content: str, size: int = 11) -> float:
    """Roughly how wide a label is drawn: CJK glyphs are square, Latin ones about half as wide."""
    return sum(size if ord(ch) >= 0x2E80 else size * 0.6 for ch in content)


def _legend_swatch(svg: ET.Element, x: float, y: float, index: int) -> None:
    swatch = _line(svg, x, y, x + 22, y, SERIES_COLOURS[index % len(SERIES_COLOURS)], 2)
    if dash := SERIES_DASHES[index % len(SERIES_DASHES)]:
        swatch.set("stroke-dasharray", dash)


def multi_line_chart(labels: list[str], series: list[tuple[str, list[int]]], *, title: str = "") -> SafeString:
    """Several series over the same x labels (e.g. months, labelled every third from the last) on one
    axis from zero, with a legend above; each series a ``<path>`` of its own colour and dash."""
    svg = _svg(WIDTH, HEIGHT + LEGEND_HEIGHT, title)
    if not labels or not series:
        return _done(svg)
    top = TOP + LEGEND_HEIGHT
    step, y_max = _scale(max((max(values, default=0) for _, values in series), default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    count = len(labels)

    def x(i: int) -> float:
        return LEFT + (plot_w * i / (count - 1) if count > 1 else plot_w / 2)

    def y(value: int) -> float:
        return top + plot_h - plot_h * max(value, 0) / y_max

    legend_x = float(LEFT)
    for index, (name, _values) in enumerate(series):
        _legend_swatch(svg, legend_x, 10, index)
        _text(svg, legend_x + 28, 14, name)
        legend_x += 28 + _text_width(name) + 24
    for tick in range(0, y_max + 1, step):
        _line(svg, LEFT, y(tick), WIDTH - RIGHT, y(tick), GRID_COLOUR)
        _text(svg, LEFT - 6, y(tick) + 4, f"{tick:,}", anchor="end")
    for i, label in enumerate(labels):
        if i % 3 == (count - 1) % 3:
            _text(svg, x(i), top + plot_h + 16, label, anchor="middle")
    for index, (name, values) in enumerate(series):
        colour = SERIES_COLOURS[index % len(SERIES_COLOURS)]
        steps = [f"{x(i):.1f},{y(value):.1f}" for i, value in enumerate(values[:count])]
        if not steps:
            continue
        path = ET.SubElement(svg, "path", d="M" + " L".join(steps), fill="none", stroke=colour, **{"stroke-width": "2"})
        path.set("aria-label", name)
        if dash := SERIES_DASHES[index % len(SERIES_DASHES)]:
            path.set("stroke-dasharray", dash)
    return _done(svg)


BAR_LABEL_WIDTH, BAR_ROW, BAR_THICKNESS = 150, 28, 14


def bar_chart(
    bars: list[tuple[str, int, int | None]], *, title: str = "", value_name: str = "", target_name: str = ""
) -> SafeString:
    """Horizontal bars, one per ``(label, value, target)``, each with its target (when set) marked by
    a dark upright line across the bar's row; the value is written at the bar's end. A legend above
    names the bars and the marker."""
    height = TOP + LEGEND_HEIGHT + BAR_ROW * len(bars) + BOTTOM - 8
    svg = _svg(WIDTH, height, title)
    if not bars:
        return _done(svg)
    top = TOP + LEGEND_HEIGHT
    step, x_max = _scale(max(max(value, target or 0) for _, value, target in bars))
    plot_w = WIDTH - BAR_LABEL_WIDTH - RIGHT - 24  # room for the last bar's number

    def x(value: int) -> float:
        return BAR_LABEL_WIDTH + plot_w * max(value, 0) / x_max

    if value_name:
        ET.SubElement(svg, "rect", x=str(BAR_LABEL_WIDTH), y="4", width="16", height="10", fill=SERIES_COLOURS[0])
        _text(svg, BAR_LABEL_WIDTH + 22, 14, value_name)
    if target_name:
        marker_x = BAR_LABEL_WIDTH + 22 + _text_width(value_name) + 24
        _line(svg, marker_x, 2, marker_x, 16, TARGET_COLOUR, 2.5)
        _text(svg, marker_x + 8, 14, target_name)
    bottom = top + BAR_ROW * len(bars)
    for tick in range(0, x_max + 1, step):
        _line(svg, x(tick), top, x(tick), bottom, GRID_COLOUR)
        _text(svg, x(tick), bottom + 14, f"{tick:,}", anchor="middle")
    for row, (label, value, target) in enumerate(bars):
        row_top = top + BAR_ROW * row
        bar_y = row_top + (BAR_ROW - BAR_THICKNESS) / 2
        _text(svg, BAR_LABEL_WIDTH - 8, bar_y + BAR_THICKNESS - 3, label, anchor="end")
        bar = ET.SubElement(
            svg,
            "rect",
            x=str(BAR_LABEL_WIDTH),
            y=f"{bar_y:.1f}",
            width=f"{x(value) - BAR_LABEL_WIDTH:.1f}",
            height=str(BAR_THICKNESS),
            fill=SERIES_COLOURS[0],
        )
        bar.set("aria-label", f"{label}: {value}")
        if target:
            marker = _line(svg, x(target), row_top + 3, x(target), row_top + BAR_ROW - 3, TARGET_COLOUR, 2.5)
            marker.set("class", "target")
        _text(svg, x(value) + 4, bar_y + BAR_THICKNESS - 3, f"{value:,}")
    return _done(svg)
