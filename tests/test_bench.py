"""The benchmark's generator and a tiny run: the files are deterministic and load in strict mode,
the tracking sheet and the long pair describe the same people, and a run writes every figure.
No timing is asserted: the figures depend on the machine."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from pipelines.store import db
from pipelines import metrics
from pipelines.ingest import Ingestor
from pipelines.text.ingest import located_message

# bench/ is a folder of the checkout, importable because pytest puts the root on sys.path (pythonpath)
from bench import generate as gen  # noqa: E402
from bench import run  # noqa: E402

N = 300


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("bench-data")


@pytest.fixture(scope="module")
def files(folder):
    manifest = gen.generate(N, folder)
    return manifest, {k: v["path"] for k, v in manifest["files"].items()}


def test_generator_is_deterministic(files, tmp_path):
    manifest, paths = files
    again = gen.generate(N, tmp_path)
    for kind, path in paths.items():
        other = again["files"][kind]["path"]
        assert open(path, "rb").read() == open(other, "rb").read(), kind
    assert manifest["episodes"] == again["episodes"]


def test_generator_reuses_files_it_wrote(files, folder):
    manifest, paths = files
    written = {k: Path(p).stat().st_mtime_ns for k, p in paths.items()}
    assert gen.generate(N, folder) == manifest
    assert {k: Path(p).stat().st_mtime_ns for k, p in paths.items()} == written


def test_files_have_the_shapes_users_send(files):
    manifest, paths = files
    tracking = open(paths["tracking_csv"], "rb").read()
    header = tracking.split(b"\r\n", 1)[0].decode("cp1252")          # Windows-1252, CRLF, ;
    assert header.split(";") == gen.tracking_headers()
    assert "Beschäftigung ab" in header and "Qualifikation am" in header
    assert len(tracking.rstrip(b"\r\n").split(b"\r\n")) == N + 1
    assert open(paths["participants_csv"], "rb").read(3) == b"\xef\xbb\xbf"   # UTF-8 with BOM
    episodes = open(paths["episodes_csv"], encoding="utf-8").read().splitlines()
    assert episodes[0] == "Teilnehmer-ID,Programm,Status,Beginn,Ende"
    assert len(episodes) - 1 == manifest["episodes"]
    assert 3.5 <= manifest["episodes"] / N <= 4.5                       # about four episodes each


def _store(path, loads):
    con = db.connect(path)
    for file, program in loads:
        result = Ingestor(con, db_path=path, program=program).ingest(file)
        assert result.outcome == "loaded", [located_message(p, "en") for p in result.problems[:3]]
    return con


def test_every_format_loads_strictly_and_gives_the_same_figures(files, tmp_path):
    _, paths = files
    program = (paths["program"], None)
    stores = {
        "tracking_csv": [program, (paths["tracking_csv"], gen.PROGRAM_ID)],
        "long": [program, (paths["participants_csv"], None), (paths["episodes_csv"], None)],
        "tracking_xlsx": [program, (paths["tracking_xlsx"], gen.PROGRAM_ID)],
    }
    figures = {}
    for name, loads in stores.items():
        con = _store(tmp_path / name / "outcomes.duckdb", loads)
        figures[name] = metrics.status_summary(con, gen.PROGRAM_ID, gen.AS_OF)
        if name == "tracking_csv":
            # the pandas and polars answers the benchmark times must agree with ours (support
            # episodes without an end close at exit there too)
            inputs = run._status_inputs(con, gen.PROGRAM_ID)
            assert inputs["start"] == dt.date(2015, 1, 1) and "coaching" in inputs["support"]
            for peer, answer in (("pandas", run.pandas_status), ("polars", run.polars_status)):
                p, e = inputs[peer]
                theirs = answer(p, e, inputs["start"], gen.AS_OF, inputs["statuses"], inputs["support"])
                assert {k: figures[name][k] for k in theirs} == theirs, peer
        con.close()
    assert figures["tracking_csv"] == figures["long"] == figures["tracking_xlsx"]
    assert figures["tracking_csv"]["entered"] == N


@pytest.mark.slow
def test_tiny_run_writes_every_figure(tmp_path, capsys):
    out = tmp_path / "results.json"
    assert run.main(["--scales", "2000", "--repeat", "1", "--data", str(tmp_path / "data"), "--out", str(out)]) == 0
    results = json.loads(out.read_text())
    assert {"cores", "ram_gb", "python", "duckdb"} <= set(results["machine"])
    scale = results["scales"]["2000"]
    for part in ("ingest", "latency", "pages", "browser"):   # a measurement that failed says why
        assert "error" not in scale[part], (part, scale[part]["error"])
    for kind in ("tracking_csv", "participants_csv", "episodes_csv", "tracking_xlsx"):
        assert {"seconds", "rows_per_s", "peak_mb", "phases_s"} <= set(scale["ingest"][kind]), kind
        assert scale["ingest"][kind]["outcome"] == "loaded"
    for kind in ("tracking_csv", "participants_csv", "episodes_csv"):
        assert {"rows_per_s", "peak_mb"} <= set(scale["ingest"][kind]["bare"])
        assert scale["ingest"][kind]["ratio_ours_bare"] > 0
    for kind in ("tracking_csv", "episodes_csv"):   # the floor writes the rows and tables our load writes
        floor = scale["ingest"][kind]["floor"]
        assert floor["written"] == {"participant": 2000, "episode": scale["episodes"],
                                    "first_start": scale["episodes"], "spell": scale["episodes"]}, kind
        assert scale["ingest"][kind]["ratio_floor_bare"] > 0
    latency = scale["latency"]
    for key in ("status_summary", "targets_evaluate", "compare_cohort", "pandas_status", "polars_status"):
        assert "median_s" in latency[key], key
    assert latency["pandas_status"]["agrees_with_ours"] and latency["polars_status"]["agrees_with_ours"]
    assert "median_s" in latency["report_pdf"] or latency["report_pdf"]["skipped"].startswith("report:")
    assert set(scale["pages"]["pages"]) == set(run.dashboard_pages())
    for page, row in scale["pages"]["pages"].items():
        assert {"cold_s", "change_s", "peak_mb", "errors"} <= set(row), page
    # the page in a real browser: logged in through the login page, timed, no error on it
    browser = scale["browser"]
    if Path(run.CHROMIUM).exists():
        assert set(browser["pages"]) == set(run.BROWSER_PAGES), browser
        for page, row in browser["pages"].items():
            assert row["errors"] == [] and 0 < row["cold_s"] < 60 and 0 < row["change_s"] < 60, (page, row)
    else:
        assert browser["skipped"].startswith("chromium not found")
    assert [g["goal"] for g in results["goals"]] == [g[0] for g in run.GOALS]
    printed = capsys.readouterr().out
    assert "ingestion (strict, fresh store)" in printed and "goal" in printed
