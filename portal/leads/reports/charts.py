"""Horizontal bar charts drawn by the portal itself: the geometry of an SVG that
``staff/reports/_charts.html`` writes out. No JavaScript, no library, nothing fetched from
elsewhere, so a chart shows on a network that reaches only the portal."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass

#: Drawn at this width, then scaled to the column it sits in (about 1:1 beside its table on a desktop).
WIDTH = 520
LABEL_WIDTH = 160
#: Room right of the longest bar for its value.
VALUE_ROOM = 80
BAR_HEIGHT = 16
BAR_GAP = 3
ROW_GAP = 10
#: One line per series, above the bars.
LEGEND_LINE = 20
#: Bar colours, each at least 3:1 against white (WCAG non-text contrast): the brand blue, then a dark orange.
COLOURS = ("#0b4f6c", "#a84f00", "#5b6b7a")
#: Longer labels are shortened in the chart (a Korean, Japanese or Chinese character counts twice);
#: the table beside it gives them whole.
LABEL_LENGTH = 20


def _text_width(text: str) -> int:
    """About how wide a text is drawn, in narrow characters."""
    return sum(2 if unicodedata.east_asian_width(character) in "WF" else 1 for character in text)


@dataclass
class Bar:
    x: float
    y: float
    width: float
    colour: str
    #: The value as the table shows it, written after the bar.
    text: str

    @property
    def text_x(self) -> float:
        return self.x + self.width + 5

    @property
    def middle(self) -> float:
        return self.y + BAR_HEIGHT / 2


@dataclass
class Row:
    label: str
    bars: list[Bar]

    @property
    def short_label(self) -> str:
        if _text_width(self.label) <= LABEL_LENGTH:
            return self.label
        short = ""
        for character in self.label:
            if _text_width(short + character) > LABEL_LENGTH - 1:
                break
            short += character
        return short.rstrip() + "…"

    @property
    def middle(self) -> float:
        return (self.bars[0].y + self.bars[-1].y + BAR_HEIGHT) / 2


@dataclass
class LegendEntry:
    name: str
    colour: str
    y: float


@dataclass
class Series:
    """One measure drawn for every row: its name, the values and how the table writes them."""

    name: str
    values: list[float | None]
    texts: list[str]


@dataclass
class BarChart:
    rows: list[Row]
    legend: list[LegendEntry]
    #: Where the bars start, below the legend.
    top: float
    height: float
    width: int = WIDTH
    label_width: int = LABEL_WIDTH
    bar_height: int = BAR_HEIGHT


def bar_chart(labels: list[str], series: list[Series]) -> BarChart:
    """One group of bars per label, one bar per series, all to the same scale (the largest value)."""
    largest = max((value for one in series for value in one.values if value), default=0)
    room = WIDTH - LABEL_WIDTH - VALUE_ROOM
    legend_height = LEGEND_LINE * len(series) + ROW_GAP / 2 if len(series) > 1 else 0
    row_height = len(series) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP + ROW_GAP
    rows = []
    for index, label in enumerate(labels):
        top = legend_height + ROW_GAP / 2 + index * row_height
        bars = []
        for number, one in enumerate(series):
            value = one.values[index] or 0
            length = max(value / largest * room, 1) if largest and value > 0 else 0
            bars.append(Bar(LABEL_WIDTH, round(top + number * (BAR_HEIGHT + BAR_GAP), 1), round(length, 1),
                            COLOURS[number % len(COLOURS)], one.texts[index]))
        rows.append(Row(label, bars))
    legend = [LegendEntry(one.name, COLOURS[number % len(COLOURS)], number * LEGEND_LINE + 4)
              for number, one in enumerate(series)] if legend_height else []
    return BarChart(rows, legend, legend_height, round(legend_height + len(labels) * row_height + ROW_GAP / 2, 1))
