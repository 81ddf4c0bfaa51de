"""The skeleton: environment files agree, paths ignore the working directory, CLI lists the
contract's commands, and Chinese chart labels render with a real CJK font."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
import warnings

import pytest
import yaml

from ogi import paths

CONTRACT_COMMANDS = ("parse", "ingest", "run", "check", "export")


def _name(req: str) -> str:
    return re.split(r"[<>=!~ \[;]", req.strip(), maxsplit=1)[0].lower().replace("_", "-")


def dependency_mismatch(pyproject_text: str, environment_text: str) -> tuple[set[str], set[str]]:
    """(in pyproject only, in environment.yml only), comparing package names."""
    project = tomllib.loads(pyproject_text)["project"]
    py = {_name(r) for r in project["dependencies"]}
    for extra in project.get("optional-dependencies", {}).values():
        py |= {_name(r) for r in extra}
    env = yaml.safe_load(environment_text)
    conda = {_name(d) for d in env["dependencies"] if isinstance(d, str)} - {"python", "pip"}
    for d in env["dependencies"]:
        if isinstance(d, dict):
            conda |= {_name(x) for x in d.get("pip", []) if not x.startswith("-")}
    return py - conda, conda - py


def _texts():
    return (paths.ROOT / "pyproject.toml").read_text(encoding="utf-8"), (paths.ROOT / "environment.yml").read_text(encoding="utf-8")


def test_environment_yml_mirrors_pyproject():
    assert dependency_mismatch(*_texts()) == (set(), set())


def test_mismatch_is_detected_both_ways():
    py, env = _texts()
    assert dependency_mismatch(py.replace('"lxml>=5",', '"lxml>=5",\n    "polars>=1",'), env) == ({"polars"}, set())
    assert dependency_mismatch(py, env.replace("  - seaborn>=0.13\n", "")) == ({"seaborn"}, set())
    assert dependency_mismatch(py, env + "  - scipy\n") == (set(), {"scipy"})


def test_environment_yml_uses_conda_forge_and_installs_the_project():
    env = yaml.safe_load(_texts()[1])
    assert env["channels"] == ["conda-forge"]
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert pip[-1] == "-e ."


def test_paths_come_from_the_package_not_the_cwd(tmp_path):
    code = "from ogi import paths; print(paths.ROOT, paths.RAW, paths.PROCESSED, paths.REPORTS, sep='|')"
    env = {k: v for k, v in os.environ.items() if not k.startswith("OGI_")}
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True, env=env).stdout.strip()
    root, raw, processed, reports = out.split("|")
    assert root == str(paths.ROOT)
    assert (paths.ROOT / "pyproject.toml").exists() and (paths.ROOT / "lib" / "ogi").is_dir()
    assert raw == str(paths.ROOT / "data" / "raw") and processed == str(paths.ROOT / "data" / "processed")
    assert reports == str(paths.ROOT / "reports")


def test_gitignore_keeps_lib():
    ignored = subprocess.run(["git", "check-ignore", "-q", "lib/ogi/__init__.py"], cwd=paths.ROOT).returncode
    assert ignored == 1  # 1 = not ignored


@pytest.mark.parametrize("argv", [[sys.executable, "-m", "ogi", "--help"], ["ogi", "--help"]])
def test_cli_help_lists_the_contract(argv):
    if argv[0] == "ogi":
        argv = [os.path.join(os.path.dirname(sys.executable), "ogi"), "--help"]
    out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    for command in CONTRACT_COMMANDS:
        assert re.search(rf"^\s+{command}\s", out, re.M), command


def test_chinese_labels_render_with_a_cjk_font(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    from ogi.plots import setup_fonts

    family = setup_fonts()
    fig, ax = plt.subplots()
    ax.bar(["予以公开", "部分公开", "不予公开"], [145, 35, 14])
    ax.set_title("临汾市人民政府 2023 年 依申请公开办理结果")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(tmp_path / "zh.png")
    plt.close(fig)
    assert not [w for w in caught if "missing from font" in str(w.message) or "Glyph" in str(w.message)]
    used = font_manager.findfont(font_manager.FontProperties(family=matplotlib.rcParams["font.sans-serif"][0]))
    assert family in {f.name for f in font_manager.fontManager.ttflist if f.fname == used}


def test_missing_glyphs_would_be_caught(tmp_path):
    """The check above can fail: DejaVu Sans alone has no CJK glyphs and warns."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with matplotlib.rc_context({"font.family": "sans-serif", "font.sans-serif": ["DejaVu Sans"]}):
        fig, ax = plt.subplots()
        ax.set_title("公开")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fig.savefig(tmp_path / "bad.png")
        plt.close(fig)
    assert any("missing from font" in str(w.message) for w in caught)


def test_parse_does_not_import_pandas():
    """`ogi parse` needs no DataFrame: importing pandas cost more than reading a report."""
    code = (
        "import sys, ogi; from ogi import paths; "
        "r = ogi.read_report(paths.RAW / '000_98d5d9cfaf16f11b.txt'); line = r.to_json(); "
        "assert r.meta['status'] == 'ok' and '\"report\"' in line; "
        "print('pandas' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "False"
    import ogi

    assert ogi.load.__module__ == "ogi.store"  # still there, imported on first use
