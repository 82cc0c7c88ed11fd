"""The indicators as one PNG readable on a phone (matplotlib, Agg backend, no display).

Portrait, 1080 × 1440 px: referrals made and what became of them, people by age group, days to
acceptance and to first contact, and the cross-sector matrix. Titles and labels in the
reader's language, numbers formatted by Babel; a small group is drawn as "< 5" (grey, no bar),
never as its number.
"""

from __future__ import annotations

import io
import math
from typing import Any

from bot.i18n import Translator
from bot.indicators import texts as itexts
from domain.indicators import (
    RECEIVER_KEYS,
    SENDER_KEYS,
    UNKNOWN_SECTOR,
    AgeGroup,
    Indicators,
    Shown,
)

WIDTH_IN, HEIGHT_IN, DPI = 7.2, 9.6, 150
ACCENT, LIGHT, GREY, INK = "#1f6f8b", "#99c4d3", "#b8b8b8", "#222222"


def _bars(ax: Any, t: Translator, labels: list[str], values: list[Shown], horizontal: bool) -> None:
    shown = [0 if v is None else v for v in values]
    colors = [GREY if v is None else ACCENT for v in values]
    positions = range(len(values))
    top = max(shown, default=0) or 1
    if horizontal:
        ax.barh(positions, shown, color=colors)
        ax.set_yticks(list(positions), labels)
        ax.invert_yaxis()
        ax.set_xlim(0, top * 1.25)
        for i, value in enumerate(values):
            ax.text(shown[i] + top * 0.02, i, itexts.count(t, value), va="center", color=INK)
        ax.set_xticks([])
    else:
        ax.bar(positions, shown, color=colors)
        ax.set_xticks(list(positions), labels, rotation=0)
        ax.set_ylim(0, top * 1.3)
        for i, value in enumerate(values):
            ax.text(i, shown[i] + top * 0.03, itexts.count(t, value), ha="center", color=INK)
        ax.set_yticks([])
    for side in ("top", "right", "left" if not horizontal else "bottom"):
        ax.spines[side].set_visible(False)


def _durations(ax: Any, t: Translator, found: Indicators) -> None:
    rows = [
        (itexts.to_acceptance_short(t), found.to_acceptance),
        (itexts.to_contact_short(t), found.to_first_contact),
    ]
    top = max((d.p90_days or 0 for _, d in rows), default=0) or 1
    for i, (_label, duration) in enumerate(rows):
        for offset, value, color in (
            (-0.18, duration.median_days, ACCENT),
            (0.18, duration.p90_days, LIGHT),
        ):
            ax.barh(i + offset, value or 0, height=0.34, color=color)
            text = itexts.days(t, value) if duration.based_on is not None else itexts.count(t, None)
            ax.text((value or 0) + top * 0.02, i + offset, text, va="center", color=INK, fontsize=9)
    ax.set_yticks([0, 1], [label for label, _ in rows])
    ax.invert_yaxis()
    ax.set_xlim(0, top * 1.35)
    ax.set_xlabel(itexts.days_axis(t))
    ax.legend(
        [itexts.median_label(t), itexts.p90_label(t)],
        loc="lower right",
        bbox_to_anchor=(1.0, 1.0),
        ncols=2,
        fontsize=8,
        frameon=False,
    )
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _matrix(ax: Any, t: Translator, found: Indicators) -> None:
    import numpy as np
    from matplotlib import colormaps

    def used(key: str, senders: bool) -> bool:
        if key != UNKNOWN_SECTOR:
            return True
        pairs = found.sector_matrix.items()
        return any((k[0] if senders else k[1]) == key and v != 0 for k, v in pairs)

    senders = [s for s in SENDER_KEYS if used(s, True)]
    receivers = [r for r in RECEIVER_KEYS if used(r, False)]
    grid = np.array(
        [
            [
                math.nan if (v := found.sector_matrix[(s, r)]) is None else float(v)
                for r in receivers
            ]
            for s in senders
        ]
    )
    cmap = colormaps["Blues"].with_extremes(bad=GREY)
    top = float(np.nanmax(grid)) if not np.all(np.isnan(grid)) else 1.0
    ax.imshow(np.ma.masked_invalid(grid), cmap=cmap, vmin=0, vmax=max(top, 1.0), aspect="auto")
    for i, sender in enumerate(senders):
        for j, receiver in enumerate(receivers):
            value = found.sector_matrix[(sender, receiver)]
            dark = value is not None and value > top * 0.6
            ax.text(
                j,
                i,
                itexts.count(t, value),
                ha="center",
                va="center",
                color="white" if dark else INK,
                fontsize=10,
            )
    ax.set_xticks(range(len(receivers)), [itexts.sector_name(t, r) for r in receivers], fontsize=8)
    ax.set_yticks(range(len(senders)), [itexts.sector_name(t, s) for s in senders], fontsize=8)
    ax.set_xlabel(itexts.to_label(t))
    ax.set_ylabel(itexts.from_label(t))
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)


def render_png(t: Translator, found: Indicators, places: str) -> bytes:
    """The chart as PNG bytes (CPU work: call it in a thread from the bot)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    names = itexts.figure_names(t)
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI)
    # The bottom 5 % is the footer (people served, completion rate, the "< 5" note).
    figure.set_layout_engine(ConstrainedLayoutEngine(rect=(0, 0.05, 1, 0.95)))
    figure.suptitle(
        f"{itexts.chart_title(t, places)}\n{itexts.period_label(t, found.period)}",
        fontsize=13,
        fontweight="bold",
    )
    grid = figure.add_gridspec(3, 2, height_ratios=[1.0, 1.0, 1.5])
    funnel = figure.add_subplot(grid[0, 0])
    funnel.set_title(names["referrals"], fontsize=11, loc="left")
    keys = ["made", "accepted", "completed", "rejected"]
    _bars(funnel, t, [names[k] for k in keys], [getattr(found, k) for k in keys], True)
    ages = figure.add_subplot(grid[0, 1])
    ages.set_title(names["age"], fontsize=11, loc="left")
    groups = list(AgeGroup)
    age_labels = [itexts.age_name(t, g).replace(" ", "\n", 1) for g in groups]
    _bars(ages, t, age_labels, [found.by_age[g] for g in groups], False)
    ages.tick_params(axis="x", labelsize=8)
    times = figure.add_subplot(grid[1, :])
    times.set_title(names["times"], fontsize=11, loc="left")
    _durations(times, t, found)
    matrix = figure.add_subplot(grid[2, :])
    matrix.set_title(names["matrix"], fontsize=11, loc="left")
    _matrix(matrix, t, found)
    footer = " · ".join(
        [
            f"{names['people']}: {itexts.count(t, found.people)}",
            f"{names['completion_rate']}: {itexts.percent(t, found.completion_rate)}",
            f"{names['cross_sector']}: {itexts.count(t, found.cross_sector)}",
        ]
    )
    figure.text(0.01, 0.003, f"{footer}\n{itexts.suppression_note(t)}", fontsize=8, color=INK)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
