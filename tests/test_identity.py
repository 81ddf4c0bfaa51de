"""Agency identity on the real reports: region, level and kind from the division table; one
primary file per agency and year, so a report printed twice counts once everywhere."""

from __future__ import annotations

import subprocess
import sys

import pytest

import ogi
from ogi import metrics
from ogi.export import wide
from ogi.identity import agency_key, identify
from ogi.views import ReportView


@pytest.mark.parametrize(
    "name, province, city, county, code, level, kind",
    [
        ("淮安市洪泽区人民政府", "江苏省", "淮安市", "洪泽区", "320813", "county", "government"),
        ("莆田市审计局", "福建省", "莆田市", None, "350300", "city", "department"),
        ("河北省科学技术厅", "河北省", None, None, "130000", "province", "department"),
        ("上海市人民政府办公厅", "上海市", None, None, "310000", "province", "general_office"),
        ("沭阳县人民政府", "江苏省", "宿迁市", "沭阳县", "321322", "county", "government"),
        ("平潭综合实验区", "福建省", "福州市", "平潭县", "350128", "city", "zone"),
        ("平潭综合实验区经济发展局", "福建省", "福州市", "平潭县", "350128", "city", "department"),
        ("蠡县审计局", "河北省", "保定市", "蠡县", "130635", "county", "department"),
        ("临汾经济开发区", "山西省", "临汾市", None, "141000", "city", "zone"),
        # several cities have a 鼓楼区: without its city printed, where it is stays unknown
        ("鼓楼区人民政府", None, None, "鼓楼区", None, "county", "government"),
        ("福州市鼓楼区人民政府", "福建省", "福州市", "鼓楼区", "350102", "county", "government"),
        # a place inside the name is not where the body sits
        ("县审计局", None, None, None, None, None, "department"),
        ("中共莆田市委宣传部", None, None, None, None, None, "department"),
    ],
)
def test_identity_of_real_agency_names(name, province, city, county, code, level, kind):
    got = identify([name])[name]
    assert (got.province, got.city, got.county, got.region_code, got.level, got.kind) == (province, city, county, code, level, kind)


def test_agency_key_drops_a_city_prefix_only_where_the_county_name_is_unique():
    assert agency_key("淮安市洪泽区人民政府") == agency_key("洪泽区人民政府") == "洪泽区人民政府"
    assert agency_key("福州市鼓楼区人民政府") != agency_key("开封市鼓楼区人民政府")


def test_one_primary_per_agency_and_year(store_dir):
    r = ogi.load(store_dir).reports
    keyed = r[r["agency_key"].notna() & r["year"].notna()]
    assert (keyed.groupby(["agency_key", "year"])["primary"].sum() == 1).all()
    ids = set(r["report_id"].astype(str))
    assert set(r["duplicate_of"].dropna()) <= ids
    assert (r["primary"] == r["duplicate_of"].isna()).all()
    # 平潭 2021 and 2023 are printed as a saved page and a text dump: the page is the primary
    for year in (2021, 2023):
        mine = r[(r["agency"] == "平潭综合实验区") & (r["year"] == year)].set_index("source_path")
        assert mine.loc[f"{year}_pingtan_page.html", "primary"]
        assert mine.loc[f"{year}_pingtan_github-pagetxt.txt", "duplicate_of"] == str(mine.loc[f"{year}_pingtan_page.html", "report_id"])


def test_rates_and_export_count_a_report_printed_twice_once(store_dir):
    c = ogi.load(store_dir, agencies=["平潭综合实验区"], years=[2021])
    assert len(c.reports) == 2
    grouped = metrics.rates(c.cells, c.reports, by=["year"], metrics=["disclosure_rate"]).iloc[0]
    single = metrics.rates(c.cells[c.cells["report_id"].isin(c.reports.loc[c.reports["primary"], "report_id"])], metrics=["disclosure_rate"]).iloc[0]
    assert grouped["n"] == 1 and grouped["numerator"] == single["numerator"] and grouped["denominator"] == single["denominator"]
    assert metrics.rates(c.cells, c.reports, by=["year"], metrics=["disclosure_rate"], all_files=True).iloc[0]["n"] == 2
    table = wide(store_dir)[0]
    assert len(table[(table["agency"] == "平潭综合实验区") & (table["year"] == 2021)]) == 1
    everything = wide(store_dir, all_files=True)[0]
    assert len(everything[(everything["agency"] == "平潭综合实验区") & (everything["year"] == 2021)]) == 2


def test_load_filters_by_region_level_and_key(store_dir):
    fujian = ogi.load(store_dir, region="福建省").reports
    assert len(fujian) and (fujian["province"] == "福建省").all()
    putian = ogi.load(store_dir, region="莆田市").reports
    assert set(putian["agency"]) == {"莆田市林业局", "莆田市审计局", "莆田市"}
    counties = ogi.load(store_dir, level="county").reports
    assert "沭阳县人民政府" in set(counties["agency"]) and (counties["level"] == "county").all()
    # a name without its city finds the body by key
    assert set(ogi.load(store_dir, agencies=["洪泽区人民政府"]).reports["agency"]) == {"淮安市洪泽区人民政府"}
    prim = ogi.load(store_dir, primary_only=True)
    assert prim.reports["primary"].all() and set(prim.cells["report_id"].astype(str)) <= set(prim.reports["report_id"].astype(str))


def test_ogi_agencies_lists_and_finds_the_closest(store_dir):
    out = subprocess.run([sys.executable, "-m", "ogi", "agencies", str(store_dir), "--like", "平潭"], capture_output=True, text=True, check=True).stdout
    assert "平潭综合实验区经济发展局" in out and "350128" in out and "沭阳" not in out
    line = next(x for x in out.splitlines() if x.split()[0] == "平潭综合实验区")
    assert "2021" in line and "zone" in line
    typo = ReportView(ogi.load(store_dir), "平谭综合实验区", 2023).message  # 谭 for 潭
    assert "did you mean 平潭综合实验区" in typo
