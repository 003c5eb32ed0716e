"""Charts: text rendering for terminals, SVG and PNG through matplotlib."""

from __future__ import annotations

import pandas as pd

from qualcode.analysis.charts import Chart, bar, bar_chart, matrix_chart


def _frame() -> pd.DataFrame:
    return pd.DataFrame({"code": ["Othered", "Hope", "Trust in the long run"], "cases": [4, 2, 0]})


def test_bars_in_eighths() -> None:
    assert bar(4, 4, 10) == "█" * 10
    assert bar(1, 4, 10) == "██▌"
    assert bar(0.01, 4, 10) == "▏"  # anything above zero shows
    assert bar(0, 4, 10) == ""


def test_text_bar_chart() -> None:
    # 40 columns: 21 for the longest label, " │", 14 cells of bar, " ", 1 for the number.
    chart = bar_chart(_frame(), value="cases", title="Cases")
    assert chart.text(40) == (
        "Cases\n"
        "\n"
        "Othered               │██████████████ 4\n"
        "Hope                  │███████        2\n"
        "Trust in the long run │               0\n"
        "  (cases)\n"
    )


def test_grouped_and_heatmap_text() -> None:
    matrix = pd.DataFrame({"code": ["Othered", "Hope"], "Site A": [1.0, 0.5], "Site B": [0.0, 0.25]})
    grouped = matrix_chart(matrix, kind="grouped", title="", value_label="share", percent=True)
    assert grouped.text(30).splitlines() == [
        "Othered",
        "  Site A │██████████████ 100%",
        "  Site B │                 0%",
        "Hope",
        "  Site A │███████         50%",
        "  Site B │███▌            25%",
        "  (share, %)",
    ]
    heat = matrix_chart(matrix, title="Heat", value_label="share").text(40)
    assert heat.splitlines()[2:5] == ["          a b", "Othered │██··", "Hope    │▒▒░░"]
    assert "  a = Site A" in heat and "  b = Site B" in heat


def test_svg_keeps_text_as_text_and_is_the_same_each_time() -> None:
    chart = bar_chart(_frame(), value="cases", title="Cases by code", colours=["#0072B2", None, None])
    svg = chart.svg()
    assert svg.startswith("<?xml") and "<svg" in svg
    for label in ("Othered", "Hope", "Cases by code"):
        assert label in svg
    assert "#0072b2" in svg.lower()
    assert chart.svg() == svg


def test_png_and_heatmap_render() -> None:
    matrix = pd.DataFrame({"code": ["A", "B"], "x": [1, 0], "y": [2, 3]})
    png = matrix_chart(matrix, title="M", value_label="codings").png(dpi=50)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    grouped = Chart("grouped", "G", ("A",), ("x", "y"), ((1.0, 2.0),), "codings")
    assert grouped.render("svg").startswith(b"<?xml")
