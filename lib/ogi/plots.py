"""Chart set-up: one place that makes matplotlib render Chinese labels with a real CJK font."""

from __future__ import annotations

from pathlib import Path

import matplotlib
from matplotlib import font_manager

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


def new_figure(width: float = 8, height: float = 4):
    import matplotlib.pyplot as plt

    setup_fonts()
    return plt.subplots(figsize=(width, height), layout="constrained")


def stacked_outcomes(table, ax=None, title: str = ""):
    """Horizontal stacked bars of outcome groups (rows of `table` = reports or years)."""
    if ax is None:
        _, ax = new_figure(9, max(2.2, 0.8 + 0.45 * len(table)))
    left = None
    for group, label in GROUP_LABELS.items():
        if group not in table:
            continue
        vals = table[group].astype(float).fillna(0).to_numpy()
        ax.barh([str(i) for i in table.index], vals, left=left, label=label, color=GROUP_COLORS[group])
        left = vals if left is None else left + vals
    ax.set_xlabel("件 requests")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), ncol=1, frameon=False, fontsize=8)
    ax.set_title(title)
    return ax


def bars(series, ax=None, title: str = "", xlabel: str = "件 requests", color: str = "#457b9d"):
    """Horizontal bars of one labelled series (largest first)."""
    s = series.astype(float).dropna().sort_values()
    if ax is None:
        _, ax = new_figure(8, 0.6 + 0.35 * max(1, len(s)))
    ax.barh([str(i) for i in s.index], s.to_numpy(), color=color)
    for y, v in enumerate(s.to_numpy()):
        ax.text(v, y, f" {v:g}", va="center", fontsize=8)
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    return ax


def lines(frame, ax=None, title: str = "", ylabel: str = "", marks: dict | None = None, percent: bool = False):
    """One line per column over the index (years); `marks` = {x: label} draws vertical markers."""
    if ax is None:
        _, ax = new_figure(8, 4)
    for col in frame.columns:
        ax.plot(frame.index.astype(int), frame[col].astype(float), marker="o", label=str(col))
    for x, label in (marks or {}).items():
        ax.axvline(x - 0.5, color="#999", ls="--", lw=1)
        ax.annotate(f" {label}", (x - 0.5, 0.98), xycoords=("data", "axes fraction"), fontsize=8, ha="left", va="top", color="#555")
    if percent:
        from matplotlib.ticker import PercentFormatter

        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xticks(sorted(frame.index.astype(int)))
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    if len(frame.columns) > 1:
        ax.legend(fontsize=8, frameon=False)
    return ax


def scatter(frame, x: str, y: str, label: str, ax=None, title: str = "", xlabel: str = "", ylabel: str = ""):
    if ax is None:
        _, ax = new_figure(8, 5)
    ax.scatter(frame[x].astype(float), frame[y].astype(float), color="#1d3557")
    for _, r in frame.iterrows():
        ax.annotate(str(r[label]), (float(r[x]), float(r[y])), fontsize=8, xytext=(3, 3), textcoords="offset points")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    return ax
