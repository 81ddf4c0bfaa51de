"""The store of the shipped corpus keeps the schema (ogi.schema = SCHEMA.md in code), and the
validator sees a code, a column or a report that does not belong."""

from __future__ import annotations

import ogi
from ogi import schema
from ogi.schema import violations


def _tables(store_dir):
    c = ogi.load(store_dir)
    return {"reports": c.reports, "cells": c.cells, "checks": c.checks}


def test_the_store_keeps_the_schema(store_dir):
    assert violations(_tables(store_dir)) == []


def test_the_validator_sees_what_does_not_belong(store_dir):
    t = _tables(store_dir)
    t["cells"] = t["cells"].astype({"flag": str, "report_id": str})
    t["cells"].loc[t["cells"].index[0], "flag"] = "guessed"
    t["cells"].loc[t["cells"].index[1], "report_id"] = "0000000000000000"
    t["reports"] = t["reports"].assign(extra=1)
    found = violations(t)
    assert any("cells.flag" in v and "guessed" in v for v in found)
    assert any("not in reports" in v for v in found)
    assert any("unknown columns ['extra']" in v for v in found)


def test_report_id_is_one_dtype_in_every_table(store_dir):
    import ogi

    c = ogi.load(store_dir)
    dtypes = {c.reports["report_id"].dtype, c.cells["report_id"].dtype, c.checks["report_id"].dtype}
    assert len(dtypes) == 1 and str(dtypes.pop()) == schema.REPORT_ID
    # they join without casts
    assert c.cells.merge(c.reports[["report_id", "agency"]], on="report_id")["agency"].notna().all()
