"""Synthetic reports for benchmarks: the real layouts re-rendered with random numbers that keep
every identity (row totals, 勾稽 balance, outcomes, appeals blocks).

Layouts, after the real reports they imitate:
  pipe       — the 临汾 2023 page text (traditional script, `a | b |` rows, mis-decoded `?`)
  cells      — the 桃江 2020 excerpt style (one cell per line, `|` lines between cells)
  collapsed  — the 平潭 page text (one line, every separator lost)
  html       — a Word-exported HTML table with the official rowspans/colspans
  merged     — the 莆田 page text (one cell per line, consecutive identical lines merged by the crawler)
  dropped    — one cell per line with the empty cells left out (zeros printed as empty cells)
  tsv        — a table copied out of Word: one row per line, cells cut by tabs, zeros printed as
               empty cells (two tabs in a row), labels indented by a tab
  markdown   — the 沭阳县 conversion (one small table per requests row under generic headers, the
               appeals table as three header-over-values blocks), with two rows torn from their labels
  torn       — the 上海 2025 PDF→markdown conversion: one pipe table torn by page markers
               (`— 4 —`), two requests rows without their label, group labels cut into a leading
               cell (`| （三）不 | 4.保护第三方合法权益 | …`), a 规章 row that lost its middle cell to loose
               text (flagged, never guessed), appeals as one flat row of 15
  csv        — a scraper CSV: the collapsed text as the 内容 cell of its row, the title in 标题
Each layout comes in both formats (v2019 for 2019–2020 reports: its active table with the signed
本年增/减 and 政府集中采购, one （六）其他处理 row; v2021 after). Each document comes with its truth,
so the benchmark also measures accuracy (None: an empty cell).
"""

from __future__ import annotations

import html
import random

from ogi import templates
from ogi.normalize import to_simplified

LABELS = {r.key: r.label for r in templates.REQUEST_ROWS}
REQ_ROWS_OF = {fmt: templates.request_rows(fmt, single_other=False) for fmt in ("v2019", "v2021")}
ACTIVE_COLUMNS = templates.ACTIVE_COLUMNS
ACTIVE_LABELS = {r.key: r.label for r in templates.ACTIVE_ROWS}
ACTIVE_LABELS_OF = {"v2021": ACTIVE_LABELS, "v2019": {**ACTIVE_LABELS, "normative_documents": "规范性文件"}}
BLOCKS_OF = {
    "v2021": [("第二十条第（一）项", ["regulations", "normative_documents"]), ("第二十条第（五）项", ["licensing"]),
              ("第二十条第（六）项", ["penalty", "coercion"]), ("第二十条第（八）项", ["fees"])],
    "v2019": [("第二十条第（一）项", ["regulations", "normative_documents"]), ("第二十条第（五）项", ["licensing", "other_services"]),
              ("第二十条第（六）项", ["penalty", "coercion"]), ("第二十条第（八）项", ["fees"]), ("第二十条第（九）项", ["procurement"])],
}  # fmt: skip
BLOCK_HEADERS_OF = {
    "v2021": {
        "第二十条第（一）项": ["本年制发件数", "本年废止件数", "现行有效件数"],
        "第二十条第（五）项": ["本年处理决定数量"],
        "第二十条第（六）项": ["本年处理决定数量"],
        "第二十条第（八）项": ["本年收费金额（单位：万元）"],
    },
    "v2019": {  # FORMATS.md §2.1
        "第二十条第（一）项": ["本年新制作数量", "本年新公开数量", "对外公开总数量"],
        "第二十条第（五）项": ["上一年项目数量", "本年增/减", "处理决定数量"],
        "第二十条第（六）项": ["上一年项目数量", "本年增/减", "处理决定数量"],
        "第二十条第（八）项": ["上一年项目数量", "本年增/减"],
        "第二十条第（九）项": ["采购项目数量", "采购总金额"],
    },
}
PROSE = (
    "本年度报告根据《中华人民共和国政府信息公开条例》（国务院令第711号）要求编制，报告中所列数据统计期限自{year}年1月1日起至{year}年12月31日止。\n"
    "一、总体情况\n{year}年，{agency}认真落实政务公开工作部署，持续加大政府信息公开力度，全年主动公开政府信息{n}条。\n"
)
AFTER = "五、存在的主要问题及改进情况\n工作人员业务水平有待进一步提高。\n六、其他需要报告的事项\n本年度未收取信息处理费。\n"


def numbers(rng: random.Random, fmt: str = "v2021") -> dict:
    """A consistent set of the three tables in format fmt (v2019: the 2019–2020 reports)."""
    req_rows = REQ_ROWS_OF[fmt]
    req = {r: [0] * 7 for r in req_rows}
    outcome_rows = [r for r in req_rows if r in templates.OUTCOME_ROWS]
    for j in range(6):
        scale = rng.choice([0, 0, 2, 10, 60, 400]) if j else rng.choice([5, 30, 200, 1500])
        for r in outcome_rows:
            if rng.random() < 0.35:
                req[r][j] = rng.randint(0, scale)
        processed = sum(req[r][j] for r in outcome_rows)
        carried_over = rng.randint(0, max(1, scale // 10))
        forward = rng.randint(0, max(1, scale // 10))
        new = processed + forward - carried_over
        if new < 0:
            forward -= new
            new = 0
        req["total_processed"][j], req["carried_over"][j], req["carried_forward"][j], req["new_received"][j] = processed, carried_over, forward, new
    for r in req_rows:
        req[r][6] = sum(req[r][:6])
    appeals = {}
    for r in templates.APPEAL_ROWS:
        parts = [rng.choice([0, 0, rng.randint(0, 40)]) for _ in range(4)]
        appeals[r] = parts + [sum(parts)]
    active = {}
    for row, cols in ACTIVE_COLUMNS[fmt].items():
        if cols == ("amount_10k_yuan",):
            active[row] = [round(rng.uniform(0, 99999), 2)]
        elif fmt == "v2021" and len(cols) == 3:
            active[row] = [rng.randint(0, 120), rng.randint(0, 60), rng.randint(0, 2000)]
        elif fmt == "v2021":
            active[row] = [rng.randint(0, 500000)]
        elif cols[0] == "made":
            made = rng.choice([0, rng.randint(0, 80)])
            published = rng.randint(0, made)
            active[row] = [made, published, published + rng.choice([0, rng.randint(0, 900)])]
        elif cols == ("projects", "amount"):
            active[row] = [rng.randint(0, 60), round(rng.uniform(0, 9999), 2)]
        else:  # 上一年项目数量, 本年增/减 (signed), 处理决定数量
            prior = rng.choice([0, rng.randint(0, 300)])
            vals = [prior, rng.choice([0, 0, rng.randint(-min(prior, 9), 12)]), rng.choice([0, rng.randint(0, 60000)])]
            active[row] = vals[: len(cols)]
    return {"format": fmt, "requests": req, "appeals": appeals, "active": active}


def _cell(col: str, v) -> str:
    """A value as printed: the v2019 本年增/减 with its sign (+3, -2), as the format asks."""
    return f"{int(v):+d}" if col in templates.SIGNED_COLUMNS and v else _fmt(v)


def _active_values(nums: dict, row: str) -> list[str]:
    return [_cell(c, v) for c, v in zip(ACTIVE_COLUMNS[nums["format"]][row], nums["active"][row])]


def _fmt(v) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:.2f}"


def truth(nums: dict, blanks_for_zeros: bool = False) -> dict[tuple[str, str, str], float | None]:
    """Every cell's number; with blanks_for_zeros (the dropped layout) a 0 is an empty cell (None)."""
    out = _truth(nums)
    return {k: (None if blanks_for_zeros and v == 0 else v) for k, v in out.items()}


def _truth(nums: dict) -> dict[tuple[str, str, str], float]:
    out = {}
    for row, vals in nums["active"].items():
        for col, v in zip(ACTIVE_COLUMNS[nums["format"]][row], vals):
            out[("active", row, col)] = float(v)
    for row, vals in nums["requests"].items():
        for col, v in zip(templates.REQUEST_COLUMNS, vals):
            out[("requests", row, col)] = float(v)
    for row, vals in nums["appeals"].items():
        for col, v in zip(templates.APPEAL_COLUMNS, vals):
            out[("appeals", row, col)] = float(v)
    return out


def _rows(nums: dict):
    """(label cells, value cells) rows in printed order, for the text layouts."""
    fmt = nums["format"]
    yield ["二、主动公开政府信息情况"], []
    for head, rows in BLOCKS_OF[fmt]:
        yield [head], []
        yield ["信息内容", *BLOCK_HEADERS_OF[fmt][head]], []
        for r in rows:
            yield [ACTIVE_LABELS_OF[fmt][r]], _active_values(nums, r)
    yield ["三、收到和处理政府信息公开申请情况"], []
    yield ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "申请人情况"], []
    yield ["自然人", "法人或其他组织", "总计"], []
    yield ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"], []
    for r in REQ_ROWS_OF[fmt]:
        yield [LABELS[r]], [_fmt(v) for v in nums["requests"][r]]
    yield ["四、政府信息公开行政复议、行政诉讼情况"], []
    yield ["行政复议", "行政诉讼"], []
    yield ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉", "复议后起诉"], []
    yield ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2, []
    yield [], [_fmt(v) for r in templates.APPEAL_ROWS for v in nums["appeals"][r]]


def render(layout: str, nums: dict, agency: str, year: int, rng: random.Random) -> str:
    head = f"{agency}{year}年政府信息公开工作年度报告\n" + PROSE.format(year=year, agency=agency, n=rng.randint(100, 9000))
    if layout == "html":
        return _html(nums, head, agency, year)
    if layout == "merged":
        lines = [x for labels, values in _rows(nums) for x in labels + values]
        merged = [x for i, x in enumerate(lines) if i == 0 or x != lines[i - 1]]
        return head + "\n".join(merged) + "\n" + AFTER
    if layout == "dropped":
        lines = [x for labels, values in _rows(nums) for x in labels + [v for v in values if v != "0"]]
        return head + "\n".join(lines) + "\n" + AFTER
    if layout == "tsv":
        rows = [("\t" if labels and values else "") + "\t".join(labels + ["" if v == "0" else v for v in values]) for labels, values in _rows(nums)]
        return head + "\n".join(rows) + "\n" + AFTER
    if layout == "markdown":
        return head + _markdown(nums, rng) + AFTER
    if layout == "torn":
        return head + _torn(nums, rng) + AFTER
    if layout == "csv":
        import csv
        import io

        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(["标题", "时间", "内容", "访问地址"])
        w.writerow([f"{agency}{year}年政府信息公开工作年度报...", f"{year + 1}-01-20", render("collapsed", nums, agency, year, rng), "https://example.gov.cn/nb.html"])
        return buf.getvalue()
    lines = []
    for labels, values in _rows(nums):
        if layout == "pipe":
            lines.append(" | ".join(labels + values) + " | ||")
        elif layout == "cells":
            lines.extend(x for cell in labels + values for x in (cell, "|"))
        else:  # collapsed: every separator lost, as in the 平潭 page text
            lines.append("".join(labels) + "".join(values))
    body = ("" if layout == "collapsed" else "\n").join(lines) if layout != "collapsed" else "".join(lines)
    text = head + body + "\n" + AFTER
    if layout == "pipe":  # the 临汾 page: traditional script, a mis-decoded character before a number
        text = _to_traditional(text).replace(" | 0 |", " | ? 0 |", 1)
    return text


def _markdown(nums: dict, rng: random.Random) -> str:
    """The 沭阳县 markdown: active rows as pipe rows, one table per requests row under generic
    headers, appeals as three blocks; two requests rows lose their labels (a torn conversion)."""
    fmt = nums["format"]
    out = ["二、主动公开政府信息情况"]
    for head, rows in BLOCKS_OF[fmt]:
        headers = BLOCK_HEADERS_OF[fmt][head]
        out += [head, "| 信息内容 | " + " | ".join(headers) + " |", "|" + "---|" * (1 + len(headers))]
        out += ["| " + ACTIVE_LABELS_OF[fmt][r] + " | " + " | ".join(_active_values(nums, r)) + " |" for r in rows]
        out.append("")
    out += ["三、收到和处理政府信息公开申请情况", "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"]
    torn = set(rng.sample(["granted", "withheld_law", "unavailable_unclear", "declined_repeat"], 2))
    for r in REQ_ROWS_OF[fmt]:
        label = "" if r in torn else LABELS[r].replace("1.", "1. ").replace("2.", "2. ")
        out += ["| 类别 | 数据1 | 数据2 | 数据3 | 数据4 | 数据5 | 数据6 | 总计 |", "|---|---|---|---|---|---|---|---|"]
        out += [f"| {label} | " + " | ".join(_fmt(v) for v in nums["requests"][r]) + " |", ""]
    out += ["四、政府信息公开行政复议、行政诉讼情况"]
    for name, r in zip(["行政复议", "未经复议直接起诉", "复议后起诉"], templates.APPEAL_ROWS):
        out += [name, "| 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |", "|---|---|---|---|---|"]
        out += ["| " + " | ".join(_fmt(v) for v in nums["appeals"][r]) + " |", ""]
    return "\n".join(out) + "\n"


GROUP_CUTS = {"withheld_third_party": "（三）不", "withheld_internal": "予公开", "declined_publication": "（五）不", "declined_excessive": "予处理"}


def _torn(nums: dict, rng: random.Random) -> str:
    """The 上海 2025 conversion: rows in order, some labels lost or cut, page markers between."""
    fmt = nums["format"]
    out = ["二、主动公开政府信息情况"]
    for head, rows in BLOCKS_OF[fmt]:
        headers = BLOCK_HEADERS_OF[fmt][head]
        out += [head, "| 信息内容 | " + " | ".join(headers) + " |", "|" + "---|" * (1 + len(headers))]
        for r in rows:
            values = _active_values(nums, r)
            if r == "regulations" and rng.random() < 0.5:  # a two-line cell left the row as loose text
                out.append(f"{values.pop(1)}（其中修订 {rng.randint(0, 9)} 件）")
            out.append("| " + ACTIVE_LABELS_OF[fmt][r] + " | " + " | ".join(values) + " |")
    out += ["三、收到和处理政府信息公开申请情况", "| （本列数据的勾稽关系为：第一项加第二项之和， | 申请人情况 |", "|---|---|",
            "| 等于第三项加第四项之和） | 自然人 | 商业 | 科研 | 总计 |", "|---|---|---|---|---|"]  # fmt: skip
    unlabelled = set(rng.sample(["granted", "withheld_law", "unavailable_unclear", *(["other_no_correction", "other_unpaid_fee"] if fmt == "v2021" else ["other"])], 2))
    page = 3
    for i, r in enumerate(REQ_ROWS_OF[fmt]):
        values = [_fmt(v) for v in nums["requests"][r]]
        if r in unlabelled:
            cells = values
        elif r in GROUP_CUTS:
            cells = [GROUP_CUTS[r], LABELS[r], *values]
        else:
            cells = [LABELS[r], *values]
        out.append("| " + " | ".join(cells) + " |")
        if i % 9 == 8:
            out += ["", f"— {page} —", ""]
            page += 1
    out += ["四、政府信息公开行政复议、行政诉讼情况", "| 行政复议 | 行政诉讼 |", "|---|---|",
            "| 维持 | 纠正 | 结果 | 审结 | 总计 | 总计 |", "|---|---|---|---|---|---|"]  # fmt: skip
    out.append("| " + " | ".join(_fmt(v) for r in templates.APPEAL_ROWS for v in nums["appeals"][r]) + " |")
    return "\n".join(out) + "\n"


def _to_traditional(text: str) -> str:
    from functools import lru_cache

    @lru_cache(maxsize=1)
    def conv():
        import opencc

        return opencc.OpenCC("s2t")

    out = conv().convert(text)
    assert to_simplified(out)  # round trip is what the reader relies on
    return out


def _html(nums: dict, head: str, agency: str, year: int) -> str:
    e = html.escape
    parts = ["<!DOCTYPE html><html><head><meta charset='utf-8'><title>", e(f"{agency}{year}年政府信息公开工作年度报告"),
             "</title></head><body><div class='nav'><a href='/'>首页</a> &gt; 政府信息公开年报</div><div class='article'>"]  # fmt: skip
    parts += [f"<p>{e(line)}</p>" for line in head.strip().split("\n")]
    fmt = nums["format"]
    parts.append("<p>二、主动公开政府信息情况</p><table border='1'><tbody>")
    for block, rows in BLOCKS_OF[fmt]:
        cols = BLOCK_HEADERS_OF[fmt][block]
        parts.append(f"<tr><td colspan='4'><p>{e(block)}</p></td></tr><tr><td><p>信息内容</p></td>")
        parts += [f"<td{'' if len(cols) > 1 else ' colspan=3'}><p>{e(c)}</p></td>" for c in cols]
        parts.append("</tr>")
        for r in rows:
            vals = _active_values(nums, r)
            parts.append(f"<tr><td>{e(ACTIVE_LABELS_OF[fmt][r])}</td>")
            parts += [f"<td{'' if len(vals) > 1 else ' colspan=3'}>{v}</td>" for v in vals]
            parts.append("</tr>")
    parts.append("</tbody></table><p>三、收到和处理政府信息公开申请情况</p><table border='1'><tbody>")
    parts.append("<tr><td colspan='3' rowspan='3'>（本列数据的勾稽关系为：第一项加第二项之和，<br/>等于第三项加第四项之和）</td><td colspan='7'>申请人情况</td></tr>"
                 "<tr><td rowspan='2'>自然人</td><td colspan='5'>法人或其他组织</td><td rowspan='2'>总计</td></tr>"
                 "<tr><td>商业<br/>企业</td><td>科研<br/>机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>")  # fmt: skip
    groups = {"withheld": "（三）不予公开", "unavailable": "（四）无法提供", "declined": "（五）不予处理", "other": "（六）其他处理"}
    group_of = {k: g for g, keys in templates.OUTCOME_GROUPS.items() for k in keys}
    req_rows = REQ_ROWS_OF[fmt]
    outcome = [r for r in req_rows if r in templates.OUTCOME_ROWS or r == "total_processed"]
    seen = set()
    for r in req_rows:
        vals = "".join(f"<td>{_fmt(v)}</td>" for v in nums["requests"][r])
        g = group_of.get(r)
        label = LABELS[r]
        if r in ("new_received", "carried_over", "carried_forward"):
            parts.append(f"<tr><td colspan='3'>{e(label)}</td>{vals}</tr>")
            continue
        first = "" if r != outcome[0] else f"<td rowspan='{len(outcome)}'>三、本年度办理结果</td>"
        if g in groups and r != "other":  # v2019's single （六）其他处理 row is a row of its own
            lead = ""
            if g not in seen:
                seen.add(g)
                n = len([k for k in req_rows if group_of.get(k) == g])
                lead = f"<td rowspan='{n}'>{e(groups[g])}</td>"
            parts.append(f"<tr>{first}{lead}<td>{e(label)}</td>{vals}</tr>")
        else:
            parts.append(f"<tr>{first}<td colspan='2'>{e(label)}</td>{vals}</tr>")
    parts.append("</tbody></table><p>四、政府信息公开行政复议、行政诉讼情况</p><table border='1'><tbody>")
    parts.append("<tr><td colspan='5' rowspan='2'>行政复议</td><td colspan='10'>行政诉讼</td></tr>"
                 "<tr><td colspan='5'>未经复议直接起诉</td><td colspan='5'>复议后起诉</td></tr><tr>"
                 + "".join(f"<td>{h}</td>" for h in ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 3) + "</tr><tr>"
                 + "".join(f"<td>{_fmt(v)}</td>" for r in templates.APPEAL_ROWS for v in nums["appeals"][r]) + "</tr>")  # fmt: skip
    parts.append("</tbody></table>")
    parts += [f"<p>{e(line)}</p>" for line in AFTER.strip().split("\n")]
    parts.append("</div><div class='footer'>主办单位：某某人民政府办公室</div></body></html>")
    return "".join(parts)
