"""Chart set-up: one place that makes matplotlib render Chinese labels with a real CJK font."""

from __future__ import annotations

from pathlib import Path

import matplotlib
from matplotlib import font_manager

from .coverage import STATUS_COLORS

# Families tried in order; the Makefile installs WenQuanYi Micro Hei (Debian fonts-wqy-microhei).
CJK_FAMILIES = (
    "WenQuanYi Micro Hei",
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
)
# Where Debian and common distributions put these fonts; added explicitly so a font installed after
# matplotlib built its cache is still found.
FONT_GLOBS = (
    "/usr/share/fonts/truetype/wqy/*.tt[cf]",
    "/usr/share/fonts/opentype/noto/NotoSansCJK*.tt[cf]",
    "/usr/share/fonts/truetype/noto/NotoSansCJK*.tt[cf]",
    "/usr/share/fonts/noto-cjk/*.tt[cf]",
    "/usr/share/fonts/google-noto-cjk/*.tt[cf]",
)


class NoCJKFont(RuntimeError):
    """No CJK-capable font is installed (run `make setup`, which installs fonts-wqy-microhei)."""


def _register_system_fonts() -> None:
    for pattern in FONT_GLOBS:
        root = Path("/")
        for path in root.glob(pattern.lstrip("/")):
            try:
                font_manager.fontManager.addfont(str(path))
            except (OSError, RuntimeError, ValueError):
                continue


def find_cjk_family() -> str:
    """Return the name of an installed CJK font family, or raise NoCJKFont."""
    available = {f.name for f in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in available:
            return family
    _register_system_fonts()
    available = {f.name for f in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in available:
            return family
    raise NoCJKFont(
        "no CJK font found for matplotlib; install one (Debian: apt-get install fonts-wqy-microhei) "
        "or run `make setup`"
    )


def setup_fonts() -> str:
    """Configure matplotlib to draw Chinese text; returns the family used."""
    family = find_cjk_family()
    matplotlib.rcParams["font.family"] = "sans-serif"
    matplotlib.rcParams["font.sans-serif"] = [family, "DejaVu Sans"]
    matplotlib.rcParams["axes.unicode_minus"] = False  # the CJK font lacks U+2212
    return family


# ------------------------------------------------------------------------------------ charts
# Labels: Chinese as printed in the reports, with English glosses.

GROUP_LABELS = {
    "granted": "予以公开 granted",
    "partially_granted": "部分公开 partly granted",
    "withheld": "不予公开 withheld",
    "unavailable": "无法提供 unavailable",
    "declined": "不予处理 declined",
    "other": "其他处理 other",
}
GROUP_COLORS = {
    "granted": "#2a9d8f",
    "partially_granted": "#8ab17d",
    "withheld": "#e76f51",
    "unavailable": "#f4a261",
    "declined": "#e9c46a",
    "other": "#9e9e9e",
}


UNREAD_LABEL = "未读 not read"
UNREAD_COLOR = "#d9d9d9"
_PAGE: dict = {"figures_dir": None, "source": ""}


def page(figures_dir=None, source: str = "") -> None:
    """Where this page's charts are saved (PNG and SVG) and the source line printed under each."""
    _PAGE["figures_dir"] = Path(figures_dir) if figures_dir else None
    _PAGE["source"] = source


def finish(ax, name: str):
    """Source note under the chart, and the chart saved as name.png and name.svg when the page
    has a figures directory: ready to go into a paper."""
    fig = ax.figure
    if _PAGE["source"]:
        fig.supxlabel(f"Source: {_PAGE['source']}", x=0.01, ha="left", fontsize=7, color="#555")  # laid out with the chart
    if _PAGE["figures_dir"] is not None:
        _PAGE["figures_dir"].mkdir(parents=True, exist_ok=True)
        for ext in ("png", "svg"):
            fig.savefig(_PAGE["figures_dir"] / f"{name}.{ext}", dpi=200 if ext == "png" else None)
    return ax


def integer_axis(axis) -> None:
    """Counts tick at whole numbers only."""
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True))


def percent_axis(axis, top: float = 1.0) -> None:
    """Rates from 0 % (up to `top`): an honest axis, never zoomed into a gap."""
    from matplotlib.ticker import PercentFormatter

    axis.set_major_formatter(PercentFormatter(1.0))
    (axis.axes.set_ylim if axis is axis.axes.yaxis else axis.axes.set_xlim)(0, top)


def new_figure(width: float = 8, height: float = 4):
    import matplotlib.pyplot as plt

    setup_fonts()
    return plt.subplots(figsize=(width, height), layout="constrained")


def stacked_outcomes(table, ax=None, title: str = "", name: str = "outcomes"):
    """Horizontal stacked bars of outcome groups (rows of `table` = reports or years). A column
    `unread` (requests of groups whose cells were not all read) is drawn as its own grey segment."""
    if ax is None:
        _, ax = new_figure(9, max(2.2, 0.8 + 0.45 * len(table)))
    left = None
    labels = {**GROUP_LABELS, "unread": UNREAD_LABEL}
    colors = {**GROUP_COLORS, "unread": UNREAD_COLOR}
    for group, label in labels.items():
        if group not in table or not table[group].fillna(0).astype(float).any():
            continue
        vals = table[group].astype(float).fillna(0).to_numpy()
        ax.barh([str(i) for i in table.index], vals, left=left, label=label, color=colors[group],
                hatch="//" if group == "unread" else None, edgecolor="#999" if group == "unread" else None)  # fmt: skip
        left = vals if left is None else left + vals
    ax.set_xlabel("件 requests")
    integer_axis(ax.xaxis)
    if left is None:  # every group 0 or unknown: say so instead of an empty legend
        ax.text(0.5, 0.5, "no processed requests to draw (（七）总计 is 0 or not read)", transform=ax.transAxes, ha="center", va="center", color="#555")
        ax.set_yticks([])
    else:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), ncol=1, frameon=False, fontsize=8)
    ax.set_title(title)
    return finish(ax, name)


def bars(series, ax=None, title: str = "", xlabel: str = "件 requests", color: str = "#457b9d", name: str | None = None):
    """Horizontal bars of one labelled series (largest first), each labelled with its count."""
    s = series.astype(float).dropna().sort_values()
    if ax is None:
        _, ax = new_figure(8, 0.6 + 0.35 * max(1, len(s)))
    ax.barh([str(i) for i in s.index], s.to_numpy(), color=color)
    for y, v in enumerate(s.to_numpy()):
        ax.text(v, y, f" {v:,.0f}", va="center", fontsize=8)
    ax.set_xlabel(xlabel)
    integer_axis(ax.xaxis)
    ax.set_title(title)
    return finish(ax, name or _name(title))


def lines(frame, ax=None, title: str = "", ylabel: str = "", marks: dict | None = None, percent: bool = False, name: str | None = None):
    """One line per column over the index (years); `marks` = {x: label} draws vertical markers.
    Counts tick at integers from 0; percentages run from 0 % to 100 %."""
    if ax is None:
        _, ax = new_figure(8, 4)
    for col in frame.columns:
        ax.plot(frame.index.astype(int), frame[col].astype(float), marker="o", label=str(col))
    for x, label in (marks or {}).items():
        ax.axvline(x - 0.5, color="#999", ls="--", lw=1)
        ax.annotate(f" {label}", (x - 0.5, 0.98), xycoords=("data", "axes fraction"), fontsize=8, ha="left", va="top", color="#555")
    if percent:
        percent_axis(ax.yaxis)
    else:
        integer_axis(ax.yaxis)
        ax.set_ylim(bottom=0)
    ax.set_xticks(sorted(frame.index.astype(int)))
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    if len(frame.columns) > 1:
        ax.legend(fontsize=8, frameon=False)
    return finish(ax, name or _name(title))


def scatter(frame, x: str, y: str, label: str, ax=None, title: str = "", xlabel: str = "", ylabel: str = "", percent_y: bool = False, name: str | None = None):
    """Labelled points; the count axis starts at 0 and a rate axis runs 0–100 %."""
    if ax is None:
        _, ax = new_figure(8, 5)
    ax.scatter(frame[x].astype(float), frame[y].astype(float), color="#1d3557")
    for _, r in frame.iterrows():
        ax.annotate(str(r[label]), (float(r[x]), float(r[y])), fontsize=8, xytext=(3, 3), textcoords="offset points")
    ax.set_xlim(left=0)
    integer_axis(ax.xaxis)
    if percent_y:
        percent_axis(ax.yaxis)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    return finish(ax, name or _name(title))


def status_bars(table, ax=None, title: str = "", name: str = "statuses"):
    """Stacked bars of files per year and status, each status in its own fixed colour."""
    if ax is None:
        _, ax = new_figure(9, 4)
    bottom = None
    for status, color in STATUS_COLORS.items():
        if status not in table:
            continue
        vals = table[status].astype(float).to_numpy()
        ax.bar([str(i) for i in table.index], vals, bottom=bottom, label=status, color=color)
        bottom = vals if bottom is None else bottom + vals
    integer_axis(ax.yaxis)
    ax.set_xlabel("年度 year")
    ax.set_ylabel("文件 files")
    ax.legend(frameon=False, fontsize=8)
    ax.set_title(title)
    return finish(ax, name)


def _name(title: str) -> str:
    import re

    ascii_part = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return ascii_part[:60] or "chart"
