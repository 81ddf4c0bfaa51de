"""ogi — read China's government information-disclosure annual reports into tidy, checked tables.

    import ogi
    r = ogi.read_report("data/raw/linfen/2023_linfen.txt")
    r.meta, r.cells, r.checks
"""

from .report import Report, read_report

__version__ = "0.1.0"
__all__ = ["Report", "read_report", "__version__"]
