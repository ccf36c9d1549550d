"""Charts for PDFs as inline SVG, drawn on the server with ElementTree (no JavaScript, no library).

ElementTree escapes every label, so a union's name cannot inject markup into the document.
"""

import datetime
import xml.etree.ElementTree as ET

from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 56, 32, 16, 40
LINE_COLOUR = "#b71c1c"
GRID_COLOUR = "#dddddd"
TEXT_COLOUR = "#444444"


def _nice_step(span: int, ticks: int = 4) -> int:
    raw = max(span / ticks, 1)
    magnitude = 10 ** (len(str(int(raw))) - 1)
    for factor in (1, 2, 5, 10):
        if magnitude * factor >= raw:
            return magnitude * factor
    return magnitude * 10


def line_chart(points: list[tuple[datetime.date, int]], *, title: str = "") -> SafeString:
    """A line chart of monthly values: x = months (labelled every third), y = counts from zero."""
    svg = ET.Element(
        "svg",
        xmlns="http://www.w3.org/2000/svg",
        viewBox=f"0 0 {WIDTH} {HEIGHT}",
        width=str(WIDTH),
        height=str(HEIGHT),
        role="img",
    )
    svg.set("class", "chart")
    if title:
        ET.SubElement(svg, "title").text = title
    if not points:
        return mark_safe(ET.tostring(svg, encoding="unicode"))  # noqa: S308 - built by ElementTree

    top_value = max(value for _, value in points)
    step = _nice_step(top_value)
    y_max = max(step * ((top_value + step - 1) // step), step)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(i: int) -> float:
        return LEFT + (plot_w * i / (len(points) - 1) if len(points) > 1 else plot_w / 2)

    def y(value: int) -> float:
        return TOP + plot_h - plot_h * value / y_max

    text_style = {"fill": TEXT_COLOUR, "font-size": "11"}
    for tick in range(0, y_max + 1, step):
        ET.SubElement(
            svg,
            "line",
            x1=str(LEFT),
            x2=str(WIDTH - RIGHT),
            y1=f"{y(tick):.1f}",
            y2=f"{y(tick):.1f}",
            stroke=GRID_COLOUR,
            **{"stroke-width": "1"},
        )
        label = ET.SubElement(svg, "text", x=str(LEFT - 6), y=f"{y(tick) + 4:.1f}", **text_style)
        label.set("text-anchor", "end")
        label.text = f"{tick:,}"
    for i, (month, _value) in enumerate(points):
        if i % 3 == (len(points) - 1) % 3:
            label = ET.SubElement(svg, "text", x=f"{x(i):.1f}", y=str(HEIGHT - BOTTOM + 16), **text_style)
            label.set("text-anchor", "middle")
            label.text = f"{month:%Y-%m}"
    coordinates = " ".join(f"{x(i):.1f},{y(value):.1f}" for i, (_, value) in enumerate(points))
    ET.SubElement(svg, "polyline", points=coordinates, fill="none", stroke=LINE_COLOUR, **{"stroke-width": "2"})
    for i, (_, value) in enumerate(points):
        ET.SubElement(svg, "circle", cx=f"{x(i):.1f}", cy=f"{y(value):.1f}", r="2.5", fill=LINE_COLOUR)
    last = ET.SubElement(svg, "text", x=f"{x(len(points) - 1):.1f}", y=f"{y(points[-1][1]) - 8:.1f}", **text_style)
    last.set("text-anchor", "end")
    last.text = f"{points[-1][1]:,}"
    return mark_safe(ET.tostring(svg, encoding="unicode"))  # noqa: S308 - built by ElementTree
