"""`flask banks validate|lint|import|export`, right and wrong."""

from __future__ import annotations

import yaml

from tests.support.samples import BANK


def test_validate_reports_every_problem_and_exits_1(runner, tmp_path):
    (tmp_path / "a.yaml").write_text(BANK.replace("    key: a\n", "    key: z\n", 1))
    (tmp_path / "b.yaml").write_text("bank: [unclosed\n")
    result = runner.invoke(args=["banks", "validate", str(tmp_path)])
    assert result.exit_code == 1
    assert f"{tmp_path}/a.yaml:14: item S-SC: `key` must be the id of one option" in result.output
    assert f"{tmp_path}/b.yaml:" in result.output and "YAML syntax" in result.output


def test_validate_ok(runner, tmp_path):
    (tmp_path / "a.yaml").write_text(BANK)
    result = runner.invoke(args=["banks", "validate", str(tmp_path / "a.yaml")])
    assert result.exit_code == 0 and "7 items" in result.output


def test_validate_missing_path(runner):
    result = runner.invoke(args=["banks", "validate", "no/such/dir"])
    assert result.exit_code == 1 and "no/such/dir:0: no such file or directory" in result.output


def test_lint_fails_on_guideline_breaches(runner, tmp_path):
    (tmp_path / "a.yaml").write_text(BANK.replace("Learner satisfaction scores", "None of the above"))
    result = runner.invoke(args=["banks", "lint", str(tmp_path)])
    assert result.exit_code == 1 and "all/none of the above" in result.output


def test_import_then_export_yaml_round_trips(runner, load_catalog, tmp_path):
    load_catalog()
    (tmp_path / "a.yaml").write_text(BANK)
    first = runner.invoke(args=["banks", "import", str(tmp_path / "a.yaml")])
    assert first.exit_code == 0, first.output
    assert "7 added (1 matching, 1 multiple_response, 1 numeric" in first.output
    again = runner.invoke(args=["banks", "import", str(tmp_path / "a.yaml")])
    assert "7 unchanged" in again.output
    out = tmp_path / "out"
    exported = runner.invoke(args=["banks", "export", "--format", "yaml", "--out", str(out), "--bank", "sample"])
    assert exported.exit_code == 0, exported.output
    original = yaml.safe_load(BANK)["items"]
    round_tripped = yaml.safe_load((out / "sample.yaml").read_text())["items"]
    assert [i["id"] for i in round_tripped] == [i["id"] for i in original]
    (tmp_path / "b.yaml").write_text((out / "sample.yaml").read_text())
    assert "7 unchanged" in runner.invoke(args=["banks", "import", str(tmp_path / "b.yaml")]).output


def test_import_bad_file_exits_1_and_names_it(runner, load_catalog, tmp_path):
    load_catalog()
    (tmp_path / "bad.yaml").write_text(BANK.replace("type: numeric", "type: essay"))
    result = runner.invoke(args=["banks", "import", str(tmp_path / "bad.yaml")])
    assert result.exit_code == 1 and "unknown type 'essay'" in result.output and "not imported" in result.output


def test_export_unknown_bank_and_format(runner, load_catalog, tmp_path):
    load_catalog()
    result = runner.invoke(args=["banks", "export", "--format", "yaml", "--out", str(tmp_path), "--bank", "nope"])
    assert result.exit_code == 2 and "no bank nope" in result.output
    result = runner.invoke(args=["banks", "export", "--format", "pdf", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "'pdf' is not one of" in result.output


def test_lint_and_import_report_enemy_problems(runner, load_catalog, tmp_path):
    from tests.core.test_bank_enemies import ASSESSMENT, _bank, _item

    crowded = _bank("x", "RA", [_item(f"RA-{n}") for n in range(1, 5)], "enemy_groups:\n  - [RA-1, RA-2, RA-3]\n")
    (tmp_path / "x.yaml").write_text(crowded)
    (tmp_path / "exam.yaml").write_text(ASSESSMENT)
    result = runner.invoke(args=["banks", "lint", str(tmp_path)])
    assert result.exit_code == 1
    assert "blueprint cell RA/apply needs 3 items, but with enemies (RA-1, RA-2, RA-3) never together" in result.output
    load_catalog()
    unknown = tmp_path / "y.yaml"
    unknown.write_text(_bank("y", "RA", [_item("RA-9", extra="    enemies: [NO-SUCH]\n")]))
    result = runner.invoke(args=["banks", "import", str(unknown)])
    assert result.exit_code == 1
    assert "y.yaml" in result.output
    assert "skipped   RA-9 true_false: its enemy 'NO-SUCH' is not a known item id" in result.output
    assert "not imported" in result.output
