"""ogi — read China's government information-disclosure annual reports into tidy, checked tables.

    import ogi
    r = ogi.read_report("data/raw/000_98d5d9cfaf16f11b.txt")   # one file → r.meta, r.cells, r.checks
    corpus = ogi.load()                                         # the processed store → reports, cells, checks
"""

from .report import Report, read_report


def __getattr__(name: str):
    """`ogi.load` and `ogi.Corpus` import pandas: only when first used (`ogi parse` never does)."""
    if name in ("load", "Corpus"):
        from . import store

        return getattr(store, name)
    raise AttributeError(f"module 'ogi' has no attribute {name!r}")


__version__ = "0.1.0"
__all__ = ["Corpus", "Report", "load", "read_report", "__version__"]
