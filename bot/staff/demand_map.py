"""The picture and the table of a demand report: a PNG map (matplotlib, Agg, no display) and a
CSV, both from the suppressed report only (a count under 5 is "< 5" and never shaded).

Cells are drawn from their H3 corners (the `AreaGrid` port); public services as points; the
weekly trend below the map. Rendering takes a few hundred milliseconds: the bot runs it in a
thread.
"""

from __future__ import annotations

import csv
import io
import math
from typing import TYPE_CHECKING

from bot.i18n import Translator
from bot.staff import demand_texts as dt
from domain.demand import MIN_SHOWN
from domain.ports import AreaGrid
from domain.services.demand_report import DemandReport

if TYPE_CHECKING:
    # matplotlib is imported when a map is drawn, not when the bot starts (about 30 MB of a
    # process that mostly never draws one).
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

COLORMAP = "OrRd"
SUPPRESSED_EDGE = "#9a9a9a"
SERVICE_COLOR = "#1f4e79"
#: Above this share of the colour scale, a cell's label is written in white.
DARK_FROM = 0.6
STAR_OFFSET_DEG = 0.0085
#: Week labels under the trend: at most this many (every n-th week).
MAX_WEEK_LABELS = 13


def render_png(report: DemandReport, grid: AreaGrid, t: Translator) -> bytes:
    """The map of unmet searches by cell, the services, and the weekly trend, as PNG bytes."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8.0, 9.0), dpi=110, layout="constrained")
    FigureCanvasAgg(figure)
    map_axes, trend_axes = figure.subplots(2, 1, height_ratios=[3.2, 1])
    _draw_map(map_axes, figure, report, grid, t)
    _draw_trend(trend_axes, report, t)
    figure.suptitle(f"{dt.map_title(t, report)}\n{dt.period_line(t, report)}", fontsize=12)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _draw_map(
    axes: Axes, figure: Figure, report: DemandReport, grid: AreaGrid, t: Translator
) -> None:
    from matplotlib import colormaps
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import Normalize
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch, Polygon

    shaded = [a.unmet.value for a in report.areas if not a.unmet.suppressed]
    norm = Normalize(vmin=MIN_SHOWN, vmax=max([MIN_SHOWN + 1, *shaded]))
    cmap = colormaps[COLORMAP]
    xs: list[float] = []
    ys: list[float] = []
    for area in report.areas:
        corners = [(p.longitude, p.latitude) for p in grid.boundary(area.cell)]
        xs.extend(x for x, _ in corners)
        ys.extend(y for _, y in corners)
        if area.unmet.suppressed:
            patch = Polygon(corners, closed=True, facecolor="none", edgecolor=SUPPRESSED_EDGE)
        else:
            color = cmap(norm(area.unmet.value))
            patch = Polygon(corners, closed=True, facecolor=color, edgecolor="#555555")
        patch.set_linewidth(0.6)
        axes.add_patch(patch)
        dark = not area.unmet.suppressed and norm(area.unmet.value) > DARK_FROM
        axes.text(
            area.center.longitude,
            area.center.latitude,
            f"{area.label}\n{dt.shown(t, area.unmet)}",
            ha="center",
            va="center",
            fontsize=6,
            color="white" if dark else "#222222",
        )
    picks = [p.area.center for p in report.new_service_areas]
    if picks:
        axes.scatter(
            [p.longitude for p in picks],
            # Above the label (about 0.9 km north of the cell's centre), not over it.
            [p.latitude + STAR_OFFSET_DEG for p in picks],
            marker="*",
            s=90,
            facecolors="none",
            edgecolors="#0b6e4f",
            linewidths=1.2,
            zorder=4,
        )
    west, east, south, north = min(xs), max(xs), min(ys), max(ys)
    pad_x, pad_y = (east - west) * 0.08 + 0.01, (north - south) * 0.08 + 0.01
    inside = [
        s
        for s in report.services
        if west - pad_x <= s.point.longitude <= east + pad_x
        and south - pad_y <= s.point.latitude <= north + pad_y
    ]
    if inside:
        axes.scatter(
            [s.point.longitude for s in inside],
            [s.point.latitude for s in inside],
            marker="^",
            s=28,
            color=SERVICE_COLOR,
            edgecolors="white",
            linewidths=0.5,
            zorder=3,
        )
    axes.set_xlim(west - pad_x, east + pad_x)
    axes.set_ylim(south - pad_y, north + pad_y)
    # Degrees of longitude are shorter than degrees of latitude away from the equator.
    axes.set_aspect(1 / math.cos(math.radians((south + north) / 2)))
    axes.set_xticks([])
    axes.set_yticks([])
    mappable = figure.colorbar(
        ScalarMappable(norm=norm, cmap=cmap), ax=axes, shrink=0.7, label=dt.legend_unmet(t)
    )
    mappable.ax.tick_params(labelsize=7)
    axes.legend(
        handles=[
            Line2D(
                [],
                [],
                marker="^",
                linestyle="none",
                color=SERVICE_COLOR,
                label=dt.legend_service(t),
            ),
            Line2D(
                [],
                [],
                marker="*",
                markersize=10,
                linestyle="none",
                markerfacecolor="none",
                markeredgecolor="#0b6e4f",
                label=dt.legend_new_service(t),
            ),
            Patch(facecolor="none", edgecolor=SUPPRESSED_EDGE, label=dt.legend_suppressed(t)),
        ],
        loc="lower left",
        fontsize=7,
        framealpha=0.9,
        title=dt.legend_area(t),
        title_fontsize=7,
    )


def _draw_trend(axes: Axes, report: DemandReport, t: Translator) -> None:
    positions = range(len(report.trend))
    for x, week in zip(positions, report.trend, strict=True):
        if week.searches.suppressed:
            axes.text(x, 0, str(week.searches), ha="center", va="bottom", fontsize=5, rotation=90)
            continue
        axes.bar(x, week.searches.value, color="#f3c7a6", width=0.8)
        if not week.unmet.suppressed:
            axes.bar(x, week.unmet.value, color="#b33a1b", width=0.8)
    step = max(1, math.ceil(len(report.trend) / MAX_WEEK_LABELS))
    axes.set_xticks(list(positions)[::step])
    axes.set_xticklabels([w.week for w in report.trend][::step], fontsize=6, rotation=45)
    axes.tick_params(axis="y", labelsize=7)
    axes.set_title(dt.legend_trend(t), fontsize=8)
    axes.spines[["top", "right"]].set_visible(False)


def render_csv(report: DemandReport, t: Translator) -> bytes:
    """The ranked table "needs without a service nearby" (need × area), suppressed alike."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(dt.csv_header(t))
    for row in report.unmet_rows:
        writer.writerow(
            [
                dt.need_name(t, row.need),
                row.area.label,
                row.area.cell,
                f"{row.area.center.latitude:.4f}",
                f"{row.area.center.longitude:.4f}",
                str(row.searches),
                str(row.unmet),
            ]
        )
    # UTF-8 with a byte order mark: spreadsheet programs then read the accents right.
    return buffer.getvalue().encode("utf-8-sig")
