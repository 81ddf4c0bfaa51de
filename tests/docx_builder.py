"""Build a Word report with the official table layout (merged cells as in the template) from the
real numbers of a report — the DOCX test input (no real .docx report is in the corpus)."""

from __future__ import annotations

import docx

from ogi import templates

REQ_LABELS = {r.key: r.label for r in templates.REQUEST_ROWS}
SUB = {  # （三）–（六）: (group label, rows); their sub-rows print without the group prefix
    "withheld": "（三）不予公开",
    "unavailable": "（四）无法提供",
    "declined": "（五）不予处理",
    "other6": "（六）其他处理",
}


def _num(v) -> str:
    return str(int(v)) if float(v).is_integer() else str(v)


def _strip_prefix(label: str) -> str:
    return label.split("）", 1)[1] if label.startswith("（") and label[1] in "三四五六" else label


def build(path, agency: str, year: int, active: dict, requests: dict, appeals: dict) -> None:
    d = docx.Document()
    d.add_paragraph(f"{agency}{year}年政府信息公开工作年度报告")
    d.add_paragraph(f"本报告所列数据统计期限自{year}年1月1日起至{year}年12月31日止。")
    d.add_paragraph("二、主动公开政府信息情况")
    blocks = [
        ("第二十条第（一）项", ["本年制发件数", "本年废止件数", "现行有效件数"], ["regulations", "normative_documents"]),
        ("第二十条第（五）项", ["本年处理决定数量"], ["licensing"]),
        ("第二十条第（六）项", ["本年处理决定数量"], ["penalty", "coercion"]),
        ("第二十条第（八）项", ["本年收费金额（单位：万元）"], ["fees"]),
    ]
    labels = {r.key: r.label for r in templates.ACTIVE_ROWS}
    n_rows = sum(2 + len(rows) for _, _, rows in blocks)
    t = d.add_table(rows=n_rows, cols=4)
    r = 0
    for head, cols, rows in blocks:
        t.cell(r, 0).merge(t.cell(r, 3)).text = head
        r += 1
        t.cell(r, 0).text = "信息内容"
        if len(cols) == 1:
            t.cell(r, 1).merge(t.cell(r, 3)).text = cols[0]
        else:
            for i, c in enumerate(cols):
                t.cell(r, 1 + i).text = c
        r += 1
        for key in rows:
            t.cell(r, 0).text = labels[key]
            values = list(active[key].values())
            if len(values) == 1:
                t.cell(r, 1).merge(t.cell(r, 3)).text = _num(values[0])
            else:
                for i, v in enumerate(values):
                    t.cell(r, 1 + i).text = _num(v)
            r += 1

    d.add_paragraph("三、收到和处理政府信息公开申请情况")
    rows = list(requests)
    t = d.add_table(rows=3 + len(rows), cols=10)
    t.cell(0, 0).merge(t.cell(2, 2)).text = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    t.cell(0, 3).merge(t.cell(0, 9)).text = "申请人情况"
    t.cell(1, 3).merge(t.cell(2, 3)).text = "自然人"
    t.cell(1, 4).merge(t.cell(1, 8)).text = "法人或其他组织"
    t.cell(1, 9).merge(t.cell(2, 9)).text = "总计"
    for i, h in enumerate(["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]):
        t.cell(2, 4 + i).text = h
    first = 3
    outcome_rows = [i for i, k in enumerate(rows) if k not in ("new_received", "carried_over", "carried_forward")]
    t.cell(first + outcome_rows[0], 0).merge(t.cell(first + outcome_rows[-1], 0)).text = "三、本年度办理结果"
    group_of = {}
    for g, keys in templates.OUTCOME_GROUPS.items():
        for k in keys:
            group_of[k] = g
    spans: dict[str, list[int]] = {}
    for i, k in enumerate(rows):
        g = group_of.get(k)
        if g in ("withheld", "unavailable", "declined") or (g == "other" and k != "other"):
            spans.setdefault("other6" if g == "other" else g, []).append(i)
    for g, idx in spans.items():
        t.cell(first + idx[0], 1).merge(t.cell(first + idx[-1], 1)).text = SUB[g]
    for i, k in enumerate(rows):
        rr = first + i
        label = _strip_prefix(REQ_LABELS[k])
        if k in ("new_received", "carried_over", "carried_forward"):
            t.cell(rr, 0).merge(t.cell(rr, 2)).text = label
        elif any(i in idx for idx in spans.values()):
            t.cell(rr, 2).text = label
        else:
            t.cell(rr, 1).merge(t.cell(rr, 2)).text = label
        for j, v in enumerate(requests[k]):
            t.cell(rr, 3 + j).text = _num(v)

    d.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    t = d.add_table(rows=4, cols=15)
    t.cell(0, 0).merge(t.cell(1, 4)).text = "行政复议"
    t.cell(0, 5).merge(t.cell(0, 14)).text = "行政诉讼"
    t.cell(1, 5).merge(t.cell(1, 9)).text = "未经复议直接起诉"
    t.cell(1, 10).merge(t.cell(1, 14)).text = "复议后起诉"
    for b in range(3):
        for j, h in enumerate(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]):
            t.cell(2, 5 * b + j).text = h
    flat = [v for row in appeals.values() for v in row]
    for j, v in enumerate(flat):
        t.cell(3, j).text = _num(v)
    d.add_paragraph("五、存在的主要问题及改进情况")
    d.save(str(path))
