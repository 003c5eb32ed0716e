"""Charts: frequency bars, grouped bars by role or site, heatmaps of co-occurrence and code-by-case.

A :class:`Chart` holds only labels and numbers; it draws itself as SVG or PNG with matplotlib (for
reports and files) or as Unicode text (for a terminal, the workbench's analysis screen, Markdown).
matplotlib is imported only when a chart is drawn, and through its object API (no pyplot state), so
charts can be drawn in worker threads.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from qualcode.model.codebook import DEFAULT_PALETTE

if TYPE_CHECKING:
    import pandas as pd

ChartKind = Literal["bars", "grouped", "heatmap"]
_EIGHTHS = " ▏▎▍▌▋▊▉█"
_SHADES = " ░▒▓█"
_LABEL_WRAP = 34  # characters per line of a code name on a chart axis
_MAX_ANNOTATED_CELLS = 600  # heatmaps with more cells than this show colour only


@dataclass(frozen=True, slots=True)
class Chart:
    """A chart's content, ready to draw.

    Attributes:
        kind: ``bars`` (one value per label), ``grouped`` (one bar per series within each label) or
            ``heatmap`` (labels are rows, series are columns).
        title: Shown above the chart.
        labels: Row labels (codes).
        series: Series names (for ``bars``, one name: the measure).
        values: One tuple per label, one value per series.
        value_label: What the numbers are ("cases", "codings", "share of cases").
        percent: Values are shares (0..1) to show as percentages.
        colours: Per label (bars) or per series (grouped): "#RRGGBB", or None for the palette.
    """

    kind: ChartKind
    title: str
    labels: tuple[str, ...]
    series: tuple[str, ...]
    values: tuple[tuple[float, ...], ...]
    value_label: str
    percent: bool = False
    colours: tuple[str | None, ...] = ()

    # -- drawing with matplotlib ------------------------------------------------------------------

    def svg(self) -> str:
        """The chart as an SVG document; text stays text (searchable, and pseudonymisation can be checked)."""
        return self._save("svg").decode("utf-8")

    def png(self, dpi: int = 150) -> bytes:
        """The chart as a PNG image."""
        return self._save("png", dpi)

    def render(self, fmt: str) -> bytes:
        """The chart's file content in ``fmt``: ``svg`` or ``png``."""
        return self._save(fmt)

    def _save(self, fmt: str, dpi: int = 150) -> bytes:
        import io

        import matplotlib

        rc: Any = {  # Any: matplotlib types the keys as a long Literal
            "svg.fonttype": "none",
            "svg.hashsalt": "qualcode",  # stable element ids: the same chart gives the same file
            "font.family": "sans-serif",
            "font.sans-serif": ["DejaVu Sans", "Arial", "Helvetica", "Liberation Sans"],
            "font.size": 9,
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
        with matplotlib.rc_context(rc):
            figure = self._figure()
            buffer = io.BytesIO()
            metadata: dict[str, Any] = {"Date": None} if fmt == "svg" else {"Software": None}
            figure.savefig(buffer, format=fmt, dpi=dpi, metadata=metadata)
        return buffer.getvalue()

    def _figure(self) -> Any:
        from matplotlib.figure import Figure

        rows = max(len(self.labels), 1)
        if self.kind == "heatmap":
            width = min(max(4.0 + 0.45 * len(self.series), 6.0), 14.0)
            height = min(max(1.6 + 0.32 * rows, 3.0), 18.0)
        elif self.kind == "grouped":
            width, height = 8.0, min(max(1.4 + rows * (0.18 * len(self.series) + 0.2), 3.0), 24.0)
        else:
            width, height = 8.0, min(max(1.2 + 0.3 * rows, 2.5), 18.0)
        figure = Figure(figsize=(width, height), dpi=100, layout="constrained")
        axes = figure.add_subplot()
        if self.kind == "heatmap":
            self._draw_heatmap(figure, axes)
        else:
            self._draw_bars(axes)
        if self.title:
            axes.set_title(self.title, loc="left", fontsize=11, fontweight="bold")
        return figure

    def _wrapped(self) -> list[str]:
        return [textwrap.fill(label, _LABEL_WRAP) for label in self.labels]

    def _draw_bars(self, axes: Any) -> None:
        import numpy as np

        values = np.array(self.values, dtype=float).reshape(len(self.labels), max(len(self.series), 1))
        if self.percent:
            values = values * 100
        positions = np.arange(len(self.labels))
        n_series = values.shape[1] if self.kind == "grouped" else 1
        height = 0.8 / n_series
        for s in range(n_series):
            offsets = positions - 0.4 + height * (s + 0.5)
            if self.kind == "grouped":
                colour = self._colour(s)
                bars = axes.barh(
                    offsets, values[:, s], height=height * 0.92, color=colour, label=self.series[s]
                )
            else:
                colours = [self._colour(i) for i in range(len(self.labels))]
                bars = axes.barh(offsets, values[:, 0], height=height * 0.8, color=colours)
            if len(self.labels) * n_series <= 40:  # past that the numbers crowd; the axis reads better
                axes.bar_label(bars, labels=[self._number(v) for v in values[:, s]], padding=2, fontsize=7)
        axes.set_yticks(positions, self._wrapped())
        axes.invert_yaxis()  # first code on top, as in the tables
        axes.set_xlabel(self.value_label + (" (%)" if self.percent else ""))
        axes.margins(x=0.12)
        if self.kind == "grouped" and n_series > 1:
            # Above the plot, so it never covers a bar.
            axes.figure.legend(loc="outside upper left", ncols=min(n_series, 4), fontsize=8, frameon=False)

    def _draw_heatmap(self, figure: Any, axes: Any) -> None:
        import numpy as np

        values = np.array(self.values, dtype=float).reshape(len(self.labels), len(self.series))
        shown = values * 100 if self.percent else values
        image = axes.imshow(shown, cmap="Blues", aspect="auto", vmin=0)
        axes.set_yticks(np.arange(len(self.labels)), self._wrapped())
        axes.set_xticks(
            np.arange(len(self.series)),
            [textwrap.shorten(s, 28, placeholder="…") for s in self.series],
            rotation=60 if len(self.series) > 4 else 0,
            ha="right" if len(self.series) > 4 else "center",
            rotation_mode="anchor",
        )
        axes.spines[:].set_visible(False)
        if values.size <= _MAX_ANNOTATED_CELLS:
            top = shown.max() if shown.size else 0
            for (i, j), value in np.ndenumerate(shown):
                if value:
                    colour = "white" if top and value > top * 0.6 else "black"
                    axes.text(j, i, self._number(value), ha="center", va="center", fontsize=7, color=colour)
        bar = figure.colorbar(image, ax=axes, shrink=0.8)
        bar.set_label(self.value_label + (" (%)" if self.percent else ""))

    def _colour(self, i: int) -> str:
        if i < len(self.colours) and self.colours[i]:
            return str(self.colours[i])
        return DEFAULT_PALETTE[i % len(DEFAULT_PALETTE)]

    def _number(self, value: float) -> str:
        if self.percent:
            return f"{value:.0f}%"
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:.2f}"

    # -- drawing as text --------------------------------------------------------------------------

    def text(self, width: int = 72) -> str:
        """The chart in Unicode block characters, ``width`` columns wide at most."""
        if self.kind == "heatmap":
            return _text_heatmap(self, width)
        return _text_bars(self, width)


def _fmt(chart: Chart, value: float) -> str:
    return (
        f"{value * 100:.0f}%"
        if chart.percent
        else (f"{value:,.0f}" if float(value).is_integer() else f"{value:.2f}")
    )


def bar(value: float, top: float, cells: int) -> str:
    """A horizontal bar of ``value`` out of ``top`` in ``cells`` character cells, in eighths of a cell."""
    if top <= 0 or value <= 0 or cells <= 0:
        return ""
    eighths = round(min(value / top, 1.0) * cells * 8)
    full, part = divmod(max(eighths, 1), 8)
    return "█" * full + (_EIGHTHS[part] if part else "")


def _text_bars(chart: Chart, width: int) -> str:
    flat = [v for row in chart.values for v in row]
    top = max(flat, default=0)
    numbers = [_fmt(chart, v) for v in flat]
    number_width = max((len(n) for n in numbers), default=1)
    names = list(chart.labels)
    label_width = min(max((len(n) for n in names), default=4), 32)
    lines = [chart.title, ""] if chart.title else []
    if chart.kind == "grouped":
        series_width = min(max((len(s) for s in chart.series), default=4), 24)
        cells = max(width - series_width - number_width - 6, 5)
        for label, row in zip(names, chart.values, strict=True):
            lines.append(textwrap.shorten(label, width, placeholder="…"))
            for name, value in zip(chart.series, row, strict=True):
                name = textwrap.shorten(name, series_width, placeholder="…")
                lines.append(
                    f"  {name:<{series_width}} │{bar(value, top, cells):<{cells}} {_fmt(chart, value):>{number_width}}"
                )
    else:
        cells = max(width - label_width - number_width - 4, 5)
        for label, row in zip(names, chart.values, strict=True):
            label = label if len(label) <= label_width else label[: label_width - 1] + "…"
            lines.append(
                f"{label:<{label_width}} │{bar(row[0], top, cells):<{cells}} {_fmt(chart, row[0]):>{number_width}}"
            )
    lines.append(f"{'':<{2}}({chart.value_label}{', %' if chart.percent else ''})")
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _text_heatmap(chart: Chart, width: int) -> str:
    flat = [v for row in chart.values for v in row]
    top = max(flat, default=0)
    label_width = min(max((len(n) for n in chart.labels), default=4), 28)
    columns = len(chart.series)
    cell = 2 if label_width + 2 * columns + 2 <= width else 1
    lines = [chart.title, ""] if chart.title else []
    keys = [_column_key(i) for i in range(columns)]
    lines.append(" " * (label_width + 2) + "".join(k[-cell:].rjust(cell) for k in keys))
    for label, row in zip(chart.labels, chart.values, strict=True):
        label = label if len(label) <= label_width else label[: label_width - 1] + "…"
        shades = "".join(_shade(v, top) * cell for v in row)
        lines.append(f"{label:<{label_width}} │{shades}")
    lines.append("")
    lines.append(
        f"  shade: {' '.join(f'{s!r}' for s in _SHADES[1:])} = up to {_fmt(chart, top)} {chart.value_label}"
    )
    lines.extend(f"  {key} = {name}" for key, name in zip(keys, chart.series, strict=True))
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _column_key(i: int) -> str:
    letters = "abcdefghijklmnopqrstuvwxyz"
    return letters[i] if i < 26 else letters[i // 26 - 1] + letters[i % 26]


def _shade(value: float, top: float) -> str:
    if top <= 0 or value <= 0:
        return "·"
    return _SHADES[min(int(value / top * (len(_SHADES) - 1) + 0.999), len(_SHADES) - 1)]


# -- building charts from analysis frames ---------------------------------------------------------


def bar_chart(
    frame: pd.DataFrame,
    *,
    value: str,
    label: str = "code",
    title: str | None = None,
    percent: bool = False,
    colours: Sequence[str | None] = (),
) -> Chart:
    """One bar per row of ``frame``: ``label`` column against ``value`` column (title: None for a default,
    "" for none)."""
    return Chart(
        kind="bars",
        title=f"{value.replace('_', ' ').capitalize()} by {label}" if title is None else title,
        labels=tuple(str(v) for v in frame[label]),
        series=(value,),
        values=tuple((float(v),) for v in frame[value]),
        value_label=value.replace("_", " "),
        percent=percent,
        colours=tuple(colours),
    )


def matrix_chart(
    matrix: pd.DataFrame,
    *,
    kind: ChartKind = "heatmap",
    title: str,
    value_label: str,
    label: str = "code",
    percent: bool = False,
) -> Chart:
    """A heatmap (or grouped bars) of a wide matrix: a ``label`` column, then one column per series."""
    series = [c for c in matrix.columns if c != label]
    return Chart(
        kind=kind,
        title=title,
        labels=tuple(str(v) for v in matrix[label]),
        series=tuple(str(s) for s in series),
        values=tuple(
            tuple(float(v) for v in row) for row in matrix[series].fillna(0).itertuples(index=False)
        ),
        value_label=value_label,
        percent=percent,
    )
