"""The seed: Linfen 2023 (traditional script, pipe rows, mis-decoded `?`) — every printed number."""

from __future__ import annotations

from conftest import RAW, report, table

from ogi import templates

SEED = "000_98d5d9cfaf16f11b.txt"

# Transcribed from the report's tables (lines 16–63 of the file), in the order printed.
ACTIVE = {
    "regulations": {"issued": 0, "repealed": 0, "in_force": 0},
    "normative_documents": {"issued": 97, "repealed": 307, "in_force": 1184},
    "licensing": {"decisions": 260685},
    "penalty": {"decisions": 290805},
    "coercion": {"decisions": 11605},
    "fees": {"amount_10k_yuan": 97191.39},
}
REQUESTS = {  # natural_person, commercial, research, welfare, legal, other, total
    "new_received": (294, 34, 0, 0, 0, 0, 328),
    "carried_over": (0, 0, 0, 0, 0, 0, 0),
    "granted": (125, 20, 0, 0, 0, 0, 145),
    "partially_granted": (35, 0, 0, 0, 0, 0, 35),
    "withheld_state_secret": (0, 0, 0, 0, 0, 0, 0),
    "withheld_law": (0, 0, 0, 0, 0, 0, 0),
    "withheld_security_stability": (0, 0, 0, 0, 0, 0, 0),
    "withheld_third_party": (4, 1, 0, 0, 0, 0, 5),
    "withheld_internal": (0, 0, 0, 0, 0, 0, 0),
    "withheld_deliberative": (1, 0, 0, 0, 0, 0, 1),
    "withheld_enforcement": (6, 2, 0, 0, 0, 0, 8),
    "withheld_query": (0, 0, 0, 0, 0, 0, 0),
    "unavailable_not_held": (113, 9, 0, 0, 0, 0, 122),
    "unavailable_needs_creation": (1, 0, 0, 0, 0, 0, 1),
    "unavailable_unclear": (0, 0, 0, 0, 0, 0, 0),
    "declined_petition": (0, 0, 0, 0, 0, 0, 0),
    "declined_repeat": (2, 0, 0, 0, 0, 0, 2),
    "declined_publication": (0, 0, 0, 0, 0, 0, 0),
    "declined_excessive": (0, 0, 0, 0, 0, 0, 0),
    "declined_confirmation": (0, 0, 0, 0, 0, 0, 0),
    "other_no_correction": (0, 0, 0, 0, 0, 0, 0),
    "other_unpaid_fee": (0, 0, 0, 0, 0, 0, 0),
    "other_misc": (0, 0, 0, 0, 0, 0, 0),
    "total_processed": (287, 32, 0, 0, 0, 0, 319),
    "carried_forward": (7, 2, 0, 0, 0, 0, 9),
}
APPEALS = {  # upheld, corrected, other, pending, total — printed as "9? | 0 | 1 | 4 | 14 | 2 | 1 | 1 | 0 | 4 | 1 | 0? | ?0 | 1 | 2"
    "review": (9, 0, 1, 4, 14),
    "litigation_direct": (2, 1, 1, 0, 4),
    "litigation_after_review": (1, 0, 0, 1, 2),
}


def test_metadata():
    m = report(SEED).meta
    assert (m["status"], m["year"], m["format"], m["script"], m["input_kind"]) == ("ok", 2023, "v2021", "traditional", "text")
    assert m["agency"] == "临汾市人民政府"
    assert m["message"] is None


def test_exactly_200_numbers():
    cells = report(SEED).cells
    assert len(cells) == 200
    assert (cells["flag"] == "value").all()


def test_active_table():
    assert table(report(SEED), "active") == {r: {c: float(v) for c, v in cols.items()} for r, cols in ACTIVE.items()}


def test_requests_table():
    got = table(report(SEED), "requests")
    want = {r: dict(zip(templates.REQUEST_COLUMNS, map(float, v))) for r, v in REQUESTS.items()}
    assert got == want


def test_appeals_table_with_misdecoded_cells():
    got = table(report(SEED), "appeals")
    assert got == {r: dict(zip(templates.APPEAL_COLUMNS, map(float, v))) for r, v in APPEALS.items()}
    cells = report(SEED).cells
    raw = cells[(cells["table"] == "appeals")].set_index(["row", "column"])["raw"]
    assert raw[("review", "upheld")] == "9?"  # raw kept as found
    assert raw[("litigation_after_review", "other")] == "?0"


def test_every_check_passes():
    checks = report(SEED).checks
    assert len(checks) == 7 * 2 + 25 + 3
    assert (checks["status"] == "pass").all()


def test_locators_point_at_source_lines():
    cells = report(SEED).cells.set_index(["table", "row", "column"])
    assert cells.loc[("requests", "granted", "natural_person"), "locator"].startswith("line 36")
    assert cells.loc[("active", "fees", "amount_10k_yuan"), "locator"].startswith("line 29")
    assert cells.loc[("requests", "other_no_correction", "total"), "raw"] == "? 0"


def test_annotated_labels_and_an_extra_row(tmp_path):
    """Hubei-style fill-in notes inside labels, and a row the official format does not have."""
    from ogi import read_report

    text = (RAW / SEED).read_text(encoding="utf-8").split("\n")
    text[17] = "規章(設區的市、自治州人民政府應提供相關數據) | 0 | 0 | 0 |"
    text.insert(19, "其他主動公開文件 | 5 | 6 | 7 |")
    text[21] = text[21].replace("本年處理決定數量", "本年處理決定數量(指2023年辦件量)")
    assert "指2023年" in text[21]
    p = tmp_path / "annotated.txt"
    p.write_text("\n".join(text), encoding="utf-8")
    r = read_report(p)
    assert table(r, "active") == {k: {c: float(v) for c, v in cols.items()} for k, cols in ACTIVE.items()}
    assert "a row not in the official format was left out: …其他主动公开文件" in r.meta["message"]
    assert len(r.cells) == 200
