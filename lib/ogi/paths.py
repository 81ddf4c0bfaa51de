"""Project paths, derived from the package location — never from the current directory.

`OGI_DATA_DIR` / `OGI_REPORTS_DIR` override the data and reports folders (tests and batch runs use them).
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
ROOT = PACKAGE_DIR.parent.parent  # lib/ogi -> lib -> project root


def _env_path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).resolve() if value else default


DATA = _env_path("OGI_DATA_DIR", ROOT / "data")
RAW = DATA / "raw"
PROCESSED = DATA / "processed"
REPORTS = _env_path("OGI_REPORTS_DIR", ROOT / "reports")
NOTEBOOKS = ROOT / "notebooks"
