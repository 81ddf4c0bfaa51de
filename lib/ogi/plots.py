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
