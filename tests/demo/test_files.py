"""The demo files: the committed bytes are exactly what the generator writes; the manifest."""

from __future__ import annotations

import datetime as dt
import tomllib

from pipelines.demo import DEMO_FILES, write_demo_files
from tests.demo.reading import DEMO_DIR, KASSEL_XLSX, read_xlsx


def test_regenerating_twice_gives_the_committed_bytes(tmp_path):
    first = write_demo_files(tmp_path / "first")
    second = write_demo_files(tmp_path / "second")
    assert [p.name for p in first] == [name for name, _ in DEMO_FILES]
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes(), a.name
        assert a.read_bytes() == (DEMO_DIR / a.name).read_bytes(), (
            f"data/demo/{a.name} is stale: run `python -m pipelines.demo.files`")


def test_demo_directory_holds_exactly_the_manifest():
    present = sorted(p.name for p in DEMO_DIR.iterdir() if not p.name.startswith("."))
    assert present == sorted(name for name, _ in DEMO_FILES)


def test_manifest_order_and_program_ids():
    names = [name for name, _ in DEMO_FILES]
    assert names[:4] == ["sozialwirtschaft-integriert.toml", "tara-mentoring.toml",
                         "permenti-transfer.toml", "cross-mentoring-duesseldorf-koeln.toml"]
    assert names.index("permenti-transfer_teilnehmende.csv") < names.index(
        "permenti-transfer_episoden.csv")
    # only the Kassel sheet lacks a Programm column and needs --program
    assert [(n, p) for n, p in DEMO_FILES if p] == [
        ("sozialwirtschaft-integriert_teilnehmerinnen.xlsx", "sozialwirtschaft-integriert")]
    assert "Programm" not in read_xlsx(KASSEL_XLSX, "Teilnehmerinnen").columns


def test_program_files_parse_and_name_their_program():
    for name, _ in DEMO_FILES[:4]:
        data = tomllib.loads((DEMO_DIR / name).read_text(encoding="utf-8"))
        program = data["program"]
        assert program["id"] == name.removesuffix(".toml")
        assert isinstance(program["start"], dt.date) and program["start"] < program["end"]
        for target in data["target"]:
            assert {"id", "label", "measure", "period"} <= target.keys()
            assert ("at_least" in target) != ("at_most" in target)
            assert target["measure"] == "entered" or "status" in target
    kassel = tomllib.loads((DEMO_DIR / "sozialwirtschaft-integriert.toml").read_text("utf-8"))
    training = next(t for t in kassel["target"] if t["id"] == "kassel-training")
    assert training["at_least"] == 50 and training["status"] == "training"
    assert training["period"] == {"start": dt.date(2018, 1, 1), "end": dt.date(2022, 12, 31)}
    assert [m["value"] for m in training["milestones"]] == [20, 35]
