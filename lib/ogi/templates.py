"""The official tables as data: row and column keys, labels, order and identities (SCHEMA.md).

Everything that knows what a v2019 or v2021 table looks like lives here; `align`, `collapsed` and
`checks` read these structures and hold no labels of their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

from .normalize import label_key

STANDARD_TABLES = ("active", "requests", "appeals")  # 二, 三, 四 of the 2019/2021 formats


@dataclass(frozen=True)
class Row:
    key: str
    label: str  # the official label (simplified), as in FORMATS.md
    formats: tuple[str, ...] = ("v2019", "v2021")
    variants: tuple[str, ...] = ()  # other printed forms (matched like the label)

    @cached_property
    def keys(self) -> tuple[str, ...]:
        """Label keys to match (see normalize.label_key), longest first."""
        # without the leading enumerator (一、 二、 四、): reports renumber or drop it
        ks = {label_key(re.sub(r"^[一二三四五六七八九十]+[、.．]", "", x)) for x in (self.label, *self.variants)}
        return tuple(sorted(ks, key=len, reverse=True))


# ---------------------------------------------------------------------------- active (section 二)

ACTIVE_COLUMNS = {
    "v2021": {
        "regulations": ("issued", "repealed", "in_force"),
        "normative_documents": ("issued", "repealed", "in_force"),
        "licensing": ("decisions",),
        "penalty": ("decisions",),
        "coercion": ("decisions",),
        "fees": ("amount_10k_yuan",),
    },
    "v2019": {
        "regulations": ("made", "published", "total_published"),
        "normative_documents": ("made", "published", "total_published"),
        "licensing": ("prior_items", "change", "decisions"),
        "other_services": ("prior_items", "change", "decisions"),
        "penalty": ("prior_items", "change", "decisions"),
        "coercion": ("prior_items", "change", "decisions"),
        "fees": ("prior_items", "change"),
        "procurement": ("projects", "amount"),
    },
}
SIGNED_COLUMNS = ("change",)  # v2019 本年增/减: the one column printed with a sign (+72, -6)
COLUMN_LABELS = {
    "issued": "本年制发件数",
    "repealed": "本年废止件数",
    "in_force": "现行有效件数",
    "decisions": "处理决定数量",
    "amount_10k_yuan": "本年收费金额（单位：万元）",
    "made": "本年新制作数量",
    "published": "本年新公开数量",
    "total_published": "对外公开总数量",
    "prior_items": "上一年项目数量",
    "change": "本年增/减",
    "projects": "采购项目数量",
    "amount": "采购总金额",
}

ACTIVE_ROWS = (
    Row("regulations", "规章"),
    Row("normative_documents", "行政规范性文件", variants=("规范性文件",)),
    Row("licensing", "行政许可"),
    Row("other_services", "其他对外管理服务事项", formats=("v2019",)),
    Row("penalty", "行政处罚"),
    Row("coercion", "行政强制"),
    Row("fees", "行政事业性收费"),
    Row("procurement", "政府集中采购", formats=("v2019",)),
)

# Header words that tell the two active-table formats apart (label keys).
ACTIVE_FORMAT_MARKERS = {
    "v2019": ("本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "其他对外管理服务事项", "政府集中采购", "采购项目数量"),
    "v2021": ("本年制发件数", "本年废止件数", "现行有效件数", "本年处理决定数量", "本年收费金额"),
}

# ---------------------------------------------------------------------------- requests (section 三)

REQUEST_COLUMNS = (
    "natural_person",
    "commercial_enterprise",
    "research_institution",
    "social_welfare_org",
    "legal_service_org",
    "other_org",
    "total",
)
APPLICANT_COLUMNS = REQUEST_COLUMNS[:-1]
REQUEST_COLUMN_LABELS = dict(
    zip(REQUEST_COLUMNS, ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"))
)

# Union of both formats in table order: the single （六） row of v2019 sits where v2021's three are.
REQUEST_ROWS = (
    Row("new_received", "一、本年新收政府信息公开申请数量"),
    Row("carried_over", "二、上年结转政府信息公开申请数量"),
    Row("granted", "（一）予以公开"),
    Row("partially_granted", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    Row("withheld_state_secret", "1.属于国家秘密", variants=("国家秘密",)),
    Row("withheld_law", "2.其他法律行政法规禁止公开", variants=("法律行政法规禁止公开",)),
    Row("withheld_security_stability", "3.危及“三安全一稳定”", variants=("三安全一稳定",)),
    Row("withheld_third_party", "4.保护第三方合法权益", variants=("第三方合法权益",)),
    Row("withheld_internal", "5.属于三类内部事务信息", variants=("三类内部事务信息",)),
    Row("withheld_deliberative", "6.属于四类过程性信息", variants=("四类过程性信息",)),
    Row("withheld_enforcement", "7.属于行政执法案卷", variants=("行政执法案卷",)),
    Row("withheld_query", "8.属于行政查询事项", variants=("行政查询事项",)),
    Row("unavailable_not_held", "1.本机关不掌握相关政府信息", variants=("不掌握相关政府信息",)),
    Row("unavailable_needs_creation", "2.没有现成信息需要另行制作", variants=("需要另行制作",)),
    Row("unavailable_unclear", "3.补正后申请内容仍不明确", variants=("申请内容仍不明确",)),
    Row("declined_petition", "1.信访举报投诉类申请"),
    Row("declined_repeat", "2.重复申请"),
    Row("declined_publication", "3.要求提供公开出版物"),
    Row("declined_excessive", "4.无正当理由大量反复申请"),
    Row("declined_confirmation", "5.要求行政机关确认或重新出具已获取信息", variants=("要求行政机关确认或重新出具",)),
    Row("other", "（六）其他处理"),
    Row(
        "other_no_correction",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        formats=("v2021",),
        variants=("逾期不补正",),
    ),
    Row(
        "other_unpaid_fee",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        formats=("v2021",),
        variants=("逾期未按收费通知要求缴纳费用",),
    ),
    Row("other_misc", "3.其他", formats=("v2021",)),
    Row("total_processed", "（七）总计"),
    Row("carried_forward", "四、结转下年度继续办理"),
)
REQUEST_ROW_KEYS = tuple(r.key for r in REQUEST_ROWS)

V2021_OTHER_ROWS = ("other_no_correction", "other_unpaid_fee", "other_misc")
OUTCOME_GROUPS = {
    "granted": ("granted",),
    "partially_granted": ("partially_granted",),
    "withheld": tuple(k for k in REQUEST_ROW_KEYS if k.startswith("withheld_")),
    "unavailable": tuple(k for k in REQUEST_ROW_KEYS if k.startswith("unavailable_")),
    "declined": tuple(k for k in REQUEST_ROW_KEYS if k.startswith("declined_")),
    "other": ("other", *V2021_OTHER_ROWS),
}
OUTCOME_ROWS = tuple(k for group in OUTCOME_GROUPS.values() for k in group)


def format_of_year(year: int | None) -> str:
    """The format a report of this statistics year had to follow (FORMATS.md): the 2019 format
    (国办公开办函〔2019〕60号) for 2019–2020, the 2021 one from 2021, none before 2019."""
    if year is None:
        return "unknown"
    return "pre2019" if year < 2019 else "v2019" if year < 2021 else "v2021"


def request_rows(fmt: str, single_other: bool) -> tuple[str, ...]:
    """The row keys a requests table of this format carries (v2021 may print （六） as one row)."""
    drop = set(V2021_OTHER_ROWS) if (fmt == "v2019" or single_other) else {"other"}
    return tuple(k for k in REQUEST_ROW_KEYS if k not in drop)


# ---------------------------------------------------------------------------- appeals (section 四)

APPEAL_ROWS = ("review", "litigation_direct", "litigation_after_review")
APPEAL_ROW_LABELS = {"review": "行政复议", "litigation_direct": "未经复议直接起诉", "litigation_after_review": "复议后起诉"}
APPEAL_COLUMNS = ("upheld", "corrected", "other", "pending", "total")
# Words of the appeals table's header (label keys): the values follow them.
APPEAL_HEADER_WORDS = ("复议", "诉讼", "总计", "结果维持", "尚未审结")
APPEAL_COLUMN_LABELS = dict(zip(APPEAL_COLUMNS, ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")))

# ---------------------------------------------------------------------------- section headings

# Regular expressions over simplified, NFKC text (whitespace removed) that open each section.
SECTION_HEADINGS = {
    "active": r"二[、.]?主动公开政府信息(?:情况)?",
    "requests": r"三[、.]?收到和处理政府信息公开申请(?:情况)?",
    "appeals": r"四[、.]?(?:因)?政府信息公开(?:工作)?(?:被申请)?行政复议",
    # 五 as printed by the format, or numbered 五、 with its own words for problems or shortcomings
    # (五、存在的不足及改进措施, 五、工作中存在的问题和改进方向, 五、主要问题和改进措施), within
    # its own words: no digit and no 、 of a next numbered heading between
    "after": r"五[、.]?(?:政府信息公开工作)?存在的主要问题|五[、.][^\d、]{0,16}?(?:问题|不足)",
}

# ---------------------------------------------------------------------------- identities


@dataclass(frozen=True)
class Identity:
    """expected == Σ parts, over cells (table, row, column); used by checks and digit recovery."""

    check: str
    scope: str
    expected: tuple[tuple[str, str, str], ...]
    parts: tuple[tuple[str, str, str], ...]


@lru_cache(maxsize=64)
def request_identities(rows: tuple[str, ...]) -> tuple[Identity, ...]:
    """requests.balance, requests.outcomes per column and requests.row_total per row."""
    out = []
    outcome_rows = tuple(r for r in rows if r in OUTCOME_ROWS)
    for col in REQUEST_COLUMNS:
        cell = lambda r, col=col: ("requests", r, col)  # noqa: E731
        out.append(
            Identity(
                "requests.balance",
                col,
                (cell("new_received"), cell("carried_over")),
                (cell("total_processed"), cell("carried_forward")),
            )
        )
        out.append(Identity("requests.outcomes", col, (cell("total_processed"),), tuple(cell(r) for r in outcome_rows)))
    for row in rows:
        out.append(
            Identity(
                "requests.row_total",
                row,
                (("requests", row, "total"),),
                tuple(("requests", row, c) for c in APPLICANT_COLUMNS),
            )
        )
    return tuple(out)


@lru_cache(maxsize=1)
def appeal_identities() -> tuple[Identity, ...]:
    return tuple(
        Identity(
            "appeals.total",
            row,
            (("appeals", row, "total"),),
            tuple(("appeals", row, c) for c in APPEAL_COLUMNS[:-1]),
        )
        for row in APPEAL_ROWS
    )
