"""The inline SVG charts are plain functions: escaped text, proportional bars, one line per series."""
import re

from esinv import charts


def test_bar_chart_rows_are_proportional_and_escaped():
    html = charts.bar_chart([("<b>Missing</b>", 10), ("Dupes", 5), ("None", 0)], label="By type",
                            colours=["#111111"], table_id="counts")
    assert html.startswith('<table class="bar-chart" id="counts">') and "By type" in html
    assert "&lt;b&gt;Missing&lt;/b&gt;" in html and "<b>" not in html
    widths = [float(w) for w in re.findall(r'<rect width="([\d.]+)"', html)]
    assert widths == [100, 50, 0]
    assert 'fill="#111111"' in html and f'fill="{charts.colour(1)}"' in html  # given colour, then the palette
    assert charts.bar_chart([], label="x") == ""


def test_line_chart_has_a_line_per_series_scaled_to_a_round_maximum():
    html = charts.line_chart(["2026-11-21", "2026-11-22", "2026-11-23"], {"A": [0, 4, 8], "B & C": [1, 1, 1]},
                             label="Trend", colours={"A": "#abcdef"})
    assert html.count("<polyline") == 2 and 'stroke="#abcdef"' in html
    assert "B &amp; C" in html and "2026-11-21" in html and "2026-11-23" in html
    # 8 rounds up to 10: the top of the plot (y=8) is 10, the value 8 sits below it.
    points = re.search(r'stroke="#abcdef" stroke-width="2.5" points="([^"]+)"', html).group(1).split()
    ys = [float(p.split(",")[1]) for p in points]
    assert ys[0] > ys[1] > ys[2] > 8
    assert '<li><span class="swatch" style="background:#abcdef"></span>A</li>' in html
    assert charts.line_chart([], {"A": []}, label="x") == ""


def test_single_day_is_a_dot_not_an_invisible_line():
    html = charts.line_chart(["2026-11-23"], {"A": [3]}, label="Trend")
    assert "<circle" in html


def test_nice_max():
    assert [charts._nice_max(v) for v in (0, 1, 3, 7, 12, 99, 101)] == [1, 1, 5, 10, 20, 100, 200]
