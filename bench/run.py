"""The benchmark: how fast and how lean, from a small program to a national ESF-scale store.

    python -m bench.run                      # 10k, 100k and 1M participants
    python -m bench.run --quick              # 10k only (a minute or so)
    python -m bench.run --scales 2000,50000 --out /tmp/results.json

For every scale it generates the synthetic files (bench/generate.py; not measured, reused
when present under bench/data/), then measures

1. ingestion throughput (rows/s) of the CSV tracking sheet, the long participants and
   episodes CSVs and the XLSX tracking sheet, each into a fresh DuckDB file through the real
   Ingestor in strict mode; DuckDB's bare ``read_csv`` of the same CSV for the ratio
   ours/bare; the time spent in each ingestion phase; the child process's peak RSS;
2. latency (median after one warm-up) of metrics.status_summary, targets.evaluate,
   compare.compare(by="cohort") with its time-to curves and a one-program PDF report, and a
   plain pandas answer to the status question for the speed ratio;
3. the dashboard: every page of dashboard/app_pages rendered with AppTest, cold (st.cache_data
   cleared) and after the as-of date changes, with the process's peak RSS.

Every measurement that holds memory runs in its own child process (``--child``), which
reports its peak RSS (VmHWM, reset with /proc/self/clear_refs around the measured part).
Figures go to stdout as tables and to bench/results.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import generate as gen  # noqa: E402

DEFAULT_SCALES = "10000,100000,1000000"
DATA_DIR = ROOT / "bench" / "data"
RESULTS = ROOT / "bench" / "results.json"
RESULT_PREFIX = "BENCH-RESULT "
PROGRESS_PREFIX = "BENCH-PROGRESS "

# Goals from issue #12: (key, what, scale the goal is stated for, limit, direction).
GOALS = [
    ("status_ms", "status_summary latency (ms)", 1_000_000, 100.0, "<"),
    ("targets_ms", "targets.evaluate, 3 targets (ms)", 1_000_000, 200.0, "<"),
    ("compare_ms", "compare(by=cohort) + Kaplan-Meier (ms)", 1_000_000, 300.0, "<"),
    ("report_ms", "report PDF, one program (ms)", 1_000_000, 5000.0, "<"),
    ("ingest_ratio_tracking_csv", "ingestion ours/bare, tracking CSV", 1_000_000, 0.5, ">="),
    ("ingest_ratio_episodes_csv", "ingestion ours/bare, episodes CSV", 1_000_000, 0.5, ">="),
    ("xlsx_peak_mb", "XLSX ingest peak RSS (MB)", 1_000_000, 2000.0, "<"),
    ("pandas_speedup", "status: pandas time / ours", 1_000_000, 5.0, ">="),
    ("polars_speedup", "status: polars time / ours", 1_000_000, 1.5, ">="),
    ("browser_overview_cold_s", "overview in a real browser, cold (s)", 100_000, 1.5, "<"),
    ("browser_overview_change_s", "overview in a real browser, after an as-of change (s)", 100_000, 0.5, "<"),
]


# =========================================================================== helpers

def proc_status(field: str) -> float | None:
    """A /proc/self/status figure (VmHWM, VmRSS) in MB, or None off Linux."""
    try:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def peak_mb() -> float | None:
    value = proc_status("VmHWM")
    if value is None:  # not Linux: the whole process's peak
        import resource

        value = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return value


def reset_peak() -> bool:
    """Start a new peak-RSS window (Linux: writing 5 to clear_refs resets VmHWM)."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


SLOW_S = 10.0       # a figure whose warm-up takes longer gets SLOW_RUNS timed runs instead of `repeat`
SLOW_RUNS = 3


def progress(message: str) -> None:
    """A line the parent shows while a child works."""
    print(PROGRESS_PREFIX + message, file=sys.stderr, flush=True)


def median_time(fn, repeat: int, warmup: int = 1, label: str | None = None,
                slow_s: float = SLOW_S, slow_runs: int = SLOW_RUNS) -> dict:
    """Median wall time of fn() over `repeat` runs after `warmup` runs; all runs in seconds.

    When the warm-up alone takes longer than `slow_s`, only `slow_runs` runs are timed
    (0: the warm-up is the figure), recorded as "reduced_runs", so that the largest scale
    finishes in reasonable time.
    """
    t0 = time.perf_counter()
    for _ in range(warmup):
        fn()
    warm = time.perf_counter() - t0
    runs_wanted = min(repeat, slow_runs) if warm > slow_s else repeat
    if label:
        progress(f"{label}: warm-up {warm:.2f} s, {runs_wanted or 'no further'} timed runs")
    runs, cpu, waits = [], [], []
    for _ in range(runs_wanted):
        w0, c0, t0 = runqueue_wait_s(), time.process_time(), time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        waits.append(None if w0 is None else runqueue_wait_s() - w0)
    if not runs:
        runs = [warm]
    out = {"median_s": statistics.median(runs), "min_s": min(runs), "max_s": max(runs), "runs_s": runs,
           "warmup_s": warm, "reduced_runs": runs_wanted < repeat}
    if cpu:
        # CPU seconds of all threads, and the seconds its threads were ready to run but waited for a
        # core: on a shared machine the wall clock is CPU / threads + that wait
        out.update({"cpu_median_s": statistics.median(cpu), "cpu_runs_s": cpu,
                    "wait_median_s": None if None in waits else statistics.median(waits)})
    return out


def runqueue_wait_s() -> float | None:
    """Seconds this process's threads spent runnable but waiting for a CPU (Linux schedstat); None elsewhere."""
    total = 0
    try:
        for stat in Path("/proc/self/task").glob("*/schedstat"):
            try:
                total += int(stat.read_text().split()[1])
            except (OSError, IndexError, ValueError):    # a thread that just ended
                pass
    except OSError:
        return None
    return total / 1e9 if Path("/proc/self/schedstat").exists() else None


def file_mb(path: Path) -> float:
    total = 0
    for p in (path, path.with_name(path.name + ".wal")):
        if p.exists():
            total += p.stat().st_size
    return total / 1e6


def fresh_store(path: Path) -> None:
    """Remove a store, its WAL and the raw/rejects copies beside it."""
    for p in (path, path.with_name(path.name + ".wal")):
        p.unlink(missing_ok=True)
    for sub in ("raw", "rejects"):
        shutil.rmtree(path.parent / sub, ignore_errors=True)
    path.parent.mkdir(parents=True, exist_ok=True)


def warm_up(con) -> float:
    """The first read_csv/CREATE TABLE in a process costs up to a second once; pay it untimed."""
    with tempfile.TemporaryDirectory(prefix="bench-warm-") as folder:
        tiny = Path(folder) / "tiny.csv"
        tiny.write_text("a;b\n1;2\n", encoding="utf-8")
        t0 = time.perf_counter()
        con.execute("create temp table _bench_warm as select * from read_csv($p, all_varchar = true)",
                    {"p": str(tiny)})
        con.execute("drop table _bench_warm")
        return time.perf_counter() - t0


def machine_info() -> dict:
    import duckdb
    import pandas
    import streamlit

    ram = None
    try:
        with open("/proc/meminfo") as handle:
            ram = round(int(handle.readline().split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    cpu = None
    try:
        with open("/proc/cpuinfo") as handle:
            cpu = next((line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")), None)
    except OSError:
        pass
    return {"cores": os.cpu_count(), "ram_gb": ram, "cpu": cpu, "platform": platform.platform(),
            "python": platform.python_version(), "duckdb": duckdb.__version__, "pandas": pandas.__version__,
            "streamlit": streamlit.__version__, "load_avg_at_start": os.getloadavg() if hasattr(os, "getloadavg") else None}


# =========================================================================== child: ingestion

class TimedConnection:
    """A DuckDB connection that adds up the time of each statement by ingestion phase.

    DuckDB finds DataFrames named in SQL in the *calling* frame (replacement scans); this
    wrapper is one frame further away, so it registers the caller's DataFrames named in the
    statement for the duration of the call.
    """

    PHASES = [  # (phase, test on the lower-cased statement); first match wins
        ("read: read_csv", lambda s: "read_csv(" in s),
        ("read: arrow → table", lambda s: "_excel_stage" in s),
        ("read: line numbers", lambda s: '_line from "_stg_read"' in s or "join _record_lines" in s
         or "set _line =" in s or "add column _line" in s),
        ("clean: trim/nullif", lambda s: "nullif(trim(" in s),
        ("normalise (_norm)", lambda s: s.startswith("create temp table _norm")),
        ("validate (problem queries)", lambda s: s.startswith("create temp table _problems")),
        ("insert participants", lambda s: s.startswith("insert into participant")),
        ("delete covered episodes", lambda s: s.startswith("delete from episode")),
        ("insert episodes", lambda s: s.startswith("insert into episode")),
        ("commit", lambda s: s.strip() == "commit"),
        ("derived: first_start", lambda s: "into first_start" in s),
        ("derived: spell", lambda s: "into spell" in s),
        ("derived: delete, people", lambda s: s.startswith("delete from first_start") or s.startswith(
            "delete from spell") or "_derived_people" in s),
        ("checks (store/checks.sql)", lambda s: s.startswith("select * from (") and " limit " in s),
        ("archive (parquet)", lambda s: s.startswith("copy (")),
        ("stage: blank and totals rows", lambda s: "list_contains([" in s),
        ("stage: unlabelled totals rows", lambda s: "regexp_full_match(" in s and "[0-9]+([.,][0-9]+)?" in s),
        ("stage: count rows", lambda s: s.startswith("select count(*) from") and "_stg" in s),
        ("upsert: incoming, update, new", lambda s: "_incoming" in s or s.startswith("update participant")),
        ("problems: list, count", lambda s: "from _problems" in s),
    ]

    def __init__(self, con):
        self._con = con
        self.phases: dict[str, float] = {}

    def execute(self, sql, *args, **kwargs):
        import pandas as pd

        caller = sys._getframe(1).f_locals
        frames = {name: value for name, value in caller.items()
                  if isinstance(value, pd.DataFrame) and name in sql}
        for name, value in frames.items():
            self._con.register(name, value)
        low = sql.lower().lstrip()
        phase = next((name for name, test in self.PHASES if test(low)), "other sql")
        t0 = time.perf_counter()
        try:
            return self._con.execute(sql, *args, **kwargs)
        finally:
            self.phases[phase] = self.phases.get(phase, 0.0) + time.perf_counter() - t0
            for name in frames:
                self._con.unregister(name)

    def __getattr__(self, name):
        return getattr(self._con, name)


def _wrap_python_phases(phases: dict[str, float]) -> None:
    """Time the Python-side steps of staging (decode, Excel cells) as phases of their own."""
    from pipelines.ingest import csvcheck, readers

    def timed(name, fn):
        def inner(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                phases[name] = phases.get(name, 0.0) + time.perf_counter() - t0
        return inner

    scan = "check_csv" if hasattr(csvcheck, "check_csv") else "scan_csv"    # (older checkouts: scan_csv)
    setattr(csvcheck, scan, timed("py: scan (csvcheck)", getattr(csvcheck, scan)))
    readers.stage_csv = timed("_stage_csv_total", readers.stage_csv)
    readers.stage_excel = timed("_stage_excel_total", readers.stage_excel)


def child_ingest(task: dict) -> dict:
    """Load task['setup'] files untimed, then task['file'] timed, into a fresh store."""
    import duckdb

    from pipelines.store import db
    from pipelines.ingest import Ingestor
    from pipelines.text.ingest import located_message

    store = Path(task["db"])
    fresh_store(store)
    if task.get("copy_from"):          # a store with the setup already loaded (copied, not re-ingested)
        shutil.copyfile(task["copy_from"], store)
    con = db.connect(store)
    for path, program in task.get("setup", []):
        result = Ingestor(con, db_path=store, program=program).ingest(path)
        if not result.ok:
            return {"error": f"setup {Path(path).name}: " + "; ".join(located_message(p) for p in result.problems[:3])}
    warm_s = warm_up(con)
    path, program = task["file"]
    python_phases: dict[str, float] = {}
    timed_con = TimedConnection(con) if task.get("phases", True) else con
    if task.get("phases", True):
        _wrap_python_phases(python_phases)
    rss_before = proc_status("VmRSS")
    reset_peak()
    t0, c0 = time.perf_counter(), time.process_time()
    result = Ingestor(timed_con, db_path=store, program=program).ingest(path)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    peak = peak_mb()
    con.close()
    out = {"seconds": seconds, "cpu_s": cpu, "outcome": result.outcome, "rows_read": result.rows_read,
           "rows_loaded": result.rows_loaded, "kind": result.kind, "rss_before_mb": rss_before,
           "peak_mb": peak, "store_mb": file_mb(store), "duckdb": duckdb.__version__,
           "problems": [located_message(p, "en") for p in result.problems[:5]], "warm_up_s": warm_s}
    if task.get("phases", True):
        phases = dict(timed_con.phases)
        # the SQL inside stage_csv/stage_excel is counted above; keep only their Python part
        sql_in_stage = sum(v for k, v in phases.items() if k.startswith("read:"))
        for name in ("_stage_csv_total", "_stage_excel_total"):
            if name in python_phases:
                rest = python_phases.pop(name) - sql_in_stage - python_phases.get("py: scan (csvcheck)", 0.0)
                label = "py: read bytes, utf-8 temp copy" if "csv" in name else "py: calamine child + arrow"
                python_phases[label] = max(rest, 0.0)
        phases.update(python_phases)
        phases["py: other (hash, mapping, messages)"] = max(seconds - sum(phases.values()), 0.0)
        out["phases_s"] = dict(sorted(phases.items(), key=lambda kv: -kv[1]))
    return out


def child_bare(task: dict) -> dict:
    """DuckDB's own read_csv of a file into a bare table of a fresh store."""
    import duckdb

    store = Path(task["db"])
    fresh_store(store)
    con = duckdb.connect(str(store))
    options = "all_varchar = true" + (f", encoding = '{task['encoding']}'" if task.get("encoding") else "")
    sql = f"create table t as select * from read_csv($path, {options})"
    warm_s = warm_up(con)
    reset_peak()
    t0, c0 = time.perf_counter(), time.process_time()
    con.execute(sql, {"path": task["path"]})
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    rows = con.execute("select count(*) from t").fetchone()[0]
    peak = peak_mb()
    con.close()
    return {"seconds": seconds, "cpu_s": cpu, "rows": rows, "sql": sql, "peak_mb": peak, "store_mb": file_mb(store),
            "warm_up_s": warm_s}


def child_floor(task: dict) -> dict:
    """The least a load of the bench's CSV can take while writing what the store keeps: the file read and
    typed (dates parsed, words mapped), its rows inserted under person keys (`participant` for the
    tracking sheet, `episode`), the derived tables rebuilt by the store's own code (derived.rebuild) —
    and nothing else: no check of a cell, no line numbers, no archive, no data checks. Each step its
    own transaction, so every step reads committed data (a scan of rows written in the same
    transaction runs on one core).

    Not a loader (a wrong date here is a null, a duplicate is kept, words are lower-cased, not
    mapped): the yardstick that says how much of the gap between ours and the bare read is the
    writing the design asks for.
    """
    from pipelines.ingest import Ingestor
    from pipelines.store import db, derived

    store = Path(task["db"])
    fresh_store(store)
    if task.get("copy_from"):
        shutil.copyfile(task["copy_from"], store)
    con = db.connect(store)
    for path, program_option in task.get("setup", []):
        Ingestor(con, db_path=store, program=program_option).ingest(path)
    warm_s = warm_up(con)
    program = task["program"]
    steps: dict[str, dict] = {}

    def step(name: str, *statements: tuple[str, dict]) -> None:
        t0, c0 = time.perf_counter(), time.process_time()
        for sql, params in statements:
            con.execute(sql, params)
        steps[name] = {"seconds": time.perf_counter() - t0, "cpu_s": time.process_time() - c0}

    date = "try_strptime(s.{}, '%d.%m.%Y')::date"
    reset_peak()
    t0, c0 = time.perf_counter(), time.process_time()
    if task["kind"] == "episodes":
        step("read and type (temp table)", (
            "create temp table _floor as select s.\"Teilnehmer-ID\" as participant_id, s.\"Programm\" as program_id, "
            "coalesce(v.status, lower(s.\"Status\")) as status, " + date.format('"Beginn"') + " as start_date, "
            + date.format('"Ende"') + " as end_date from read_csv($path, all_varchar = true) s "
            "left join status_vocabulary v on v.program_id = '*' and v.label_de = s.\"Status\"", {"path": task["path"]}))
        step("insert episode (person keys joined)", ("begin", {}), (
            "insert into episode select p.person_key, f.program_id, f.participant_id, f.status, f.start_date, "
            "f.end_date, null from _floor f join participant p using (program_id, participant_id)", {}), ("commit", {}))
    else:   # the tracking sheet: one row per participant, a start and end column per status
        def q(header: str) -> str:
            return db.quote_ident(header)
        columns = [
            f"s.{q('Teilnehmer-ID')} as participant_id", f"s.{q('Standort')} as site", f"s.{q('Kohorte')} as cohort",
            date.format(q("Eintritt")) + " as entry_date", date.format(q("Austritt")) + " as exit_date",
            f"lower(s.{q('Austrittsgrund')}) as exit_reason", f"lower(s.{q('Geschlecht')}) as gender",
            f"try_cast(s.{q('Geburtsjahr')} as integer) as birth_year", f"s.{q('Herkunftsregion')} as origin_region",
            f"try_cast(s.{q('ISCED')} as integer) as qualification_level", f"s.{q('Deutschniveau')} as german_level",
            f"s.{q('Coach')} as coach_id"]
        episodes = []
        for word, status, *_rest, length in gen.STATUSES:
            start = date.format(q(f"{word} ab" if length else f"{word} am"))
            end = date.format(q(f"{word} bis")) if length else f"{start} + 1"
            columns += [f"{start} as {q(status + '.start')}", f"{end} as {q(status + '.end')}"]
            episodes.append(f"select rowid + $first, $program, participant_id, '{status}', {q(status + '.start')}, "
                            f"{q(status + '.end')}, null from _floor where {q(status + '.start')} is not null")
        step("read and type (temp table)", (
            "create temp table _floor as select " + ", ".join(columns)
            + " from read_csv($path, all_varchar = true, encoding = 'latin-1') s", {"path": task["path"]}))
        first = {"first": 1, "program": program}
        step("insert participant (new person keys)", ("begin", {}), (
            "insert into participant select rowid + $first, $program, participant_id, site, cohort, entry_date, "
            "exit_date, exit_reason, gender, birth_year, origin_region, qualification_level, german_level, coach_id, "
            "null, null from _floor", first), ("commit", {}))
        step("insert episode", ("begin", {}), ("insert into episode " + " union all ".join(episodes), first),
             ("commit", {}))
    t1, c1 = time.perf_counter(), time.process_time()
    con.execute("begin")
    derived.rebuild(con, [program])
    con.execute("commit")
    steps["derived tables (derived.rebuild)"] = {"seconds": time.perf_counter() - t1, "cpu_s": time.process_time() - c1}
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    rows = con.execute("select count(*) from _floor").fetchone()[0]
    written = {t: con.execute(f"select count(*) from {t}").fetchone()[0]
               for t in ("participant", "episode", "first_start", "spell")}
    peak = peak_mb()
    con.close()
    return {"seconds": seconds, "cpu_s": cpu, "rows": rows, "written": written, "steps": steps,
            "peak_mb": peak, "warm_up_s": warm_s}


# =========================================================================== child: latency

def _status_inputs(con, program: str) -> dict:
    """The raw tables of the status question, read once (not timed), as pandas and polars frames.

    The peers get the tables as loaded (participant, episode) and answer the whole question from
    them, the support-closes-at-exit rule included; ours reads the derived tables built at load.
    """
    from pipelines import metrics

    participants = "select person_key, entry_date, exit_date from participant where program_id = ?"
    episodes = "select person_key, status, start_date, end_date from episode where program_id = ?"
    t0 = time.perf_counter()
    frames = {"pandas": (con.execute(participants, [program]).df(), con.execute(episodes, [program]).df())}
    load_s = time.perf_counter() - t0
    frames["polars"] = (con.execute(participants, [program]).pl(), con.execute(episodes, [program]).pl())
    start = con.execute("select start_date from program where program_id = ?", [program]).fetchone()[0]
    vocabulary = metrics.vocabulary(con, [program])
    support = [s for s, c in vocabulary.items() if c == "support"]
    return {**frames, "start": start, "statuses": list(vocabulary), "support": support, "load_s": load_s}


def pandas_status(p, e, start, as_of, statuses, support):
    """The status question answered with pandas: boolean masks, a map and groupby (for the ratio)."""
    import pandas as pd

    start, as_of, day = pd.Timestamp(start), pd.Timestamp(as_of), pd.Timedelta(days=1)
    entered = int(((p["entry_date"] >= start) & (p["entry_date"] <= as_of)).sum())
    in_program = int(((p["entry_date"] <= as_of) & (p["exit_date"].isna() | (p["exit_date"] >= as_of))).sum())
    # the first day no longer in the status: the end (one-day episodes: start + 1), a support
    # episode without an end closes at exit
    ends = e["end_date"].where(e["end_date"] > e["start_date"], e["start_date"] + day).where(e["end_date"].notna())
    open_support = e["end_date"].isna() & e["status"].isin(support)
    exits = e.loc[open_support, "person_key"].map(p.set_index("person_key")["exit_date"]) + day
    ends = ends.where(~open_support, exits)
    active_mask = (e["start_date"] <= as_of) & (ends.isna() | (ends > as_of))
    active = e.loc[active_mask].groupby("status")["person_key"].nunique()
    reached_mask = (e["start_date"] >= start) & (e["start_date"] <= as_of)
    reached = e.loc[reached_mask].groupby("status")["person_key"].nunique()
    return {"entered": entered, "in_program": in_program,
            "active": {s: int(active.get(s, 0)) for s in statuses},
            "reached": {s: int(reached.get(s, 0)) for s in statuses}}


def polars_status(p, e, start, as_of, statuses, support):
    """The same status question in polars (expressions, one join for the exit dates)."""
    import polars as pl

    entered = p.filter((pl.col("entry_date") >= start) & (pl.col("entry_date") <= as_of)).height
    in_program = p.filter((pl.col("entry_date") <= as_of)
                          & (pl.col("exit_date").is_null() | (pl.col("exit_date") >= as_of))).height
    one_day = pl.duration(days=1)
    spans = e.join(p.select("person_key", "exit_date"), on="person_key", how="left").with_columns(
        pl.when(pl.col("end_date").is_not_null())
        .then(pl.max_horizontal("end_date", pl.col("start_date") + one_day))
        .when(pl.col("status").is_in(support) & pl.col("exit_date").is_not_null())
        .then(pl.col("exit_date") + one_day)
        .otherwise(None).alias("end_excl"))
    active = dict(spans.filter((pl.col("start_date") <= as_of)
                               & (pl.col("end_excl").is_null() | (pl.col("end_excl") > as_of)))
                  .group_by("status").agg(pl.col("person_key").n_unique()).iter_rows())
    reached = dict(e.filter((pl.col("start_date") >= start) & (pl.col("start_date") <= as_of))
                   .group_by("status").agg(pl.col("person_key").n_unique()).iter_rows())
    return {"entered": entered, "in_program": in_program,
            "active": {s: int(active.get(s, 0)) for s in statuses},
            "reached": {s: int(reached.get(s, 0)) for s in statuses}}


def child_latency(task: dict) -> dict:
    from pipelines.metrics import compare
    from pipelines.store import db
    from pipelines import metrics
    from pipelines import targets

    con = db.connect(task["db"], read_only=True)
    program, as_of = task["program"], dt.date.fromisoformat(task["as_of"])
    repeat = task.get("repeat", 5)
    out: dict = {}
    ours = metrics.status_summary(con, program, as_of)
    out["status_summary"] = median_time(lambda: metrics.status_summary(con, program, as_of), repeat,
                                        label="status_summary")
    out["targets_evaluate"] = median_time(lambda: targets.evaluate(con, program, as_of), repeat,
                                          label="targets.evaluate")
    out["targets_evaluate"]["targets"] = len(targets.evaluate(con, program, as_of))
    groups = compare.compare(con, [program], "training", as_of, by="cohort")
    out["compare_cohort"] = median_time(
        lambda: compare.compare(con, [program], "training", as_of, by="cohort"), repeat, label="compare")
    out["compare_cohort"]["groups"] = len(groups)
    out["compare_cohort"]["curve_points"] = sum(len(g["time_to"]["months"]) for g in groups)

    # pandas and polars: the tables read once (not timed), then the same question, timed
    inputs = _status_inputs(con, program)
    start = inputs["start"]
    figures_of = lambda r: {k: r[k] for k in ("entered", "in_program", "active", "reached")}  # noqa: E731
    for peer, answer in (("pandas", pandas_status), ("polars", polars_status)):
        p, e = inputs[peer]
        args = (p, e, start, as_of, inputs["statuses"], inputs["support"])
        theirs = answer(*args)
        key = f"{peer}_status"
        out[key] = median_time(lambda: answer(*args), repeat, label=f"{peer} status")
        out[key]["load_s"] = inputs["load_s"]
        disagree = [k for k in ("entered", "in_program", "active", "reached") if ours[k] != theirs[k]]
        out[key]["agrees_with_ours"] = not disagree
        out[key]["disagreements"] = disagree
        if disagree:
            out[key]["theirs"] = figures_of(theirs)
    out["status_figures"] = figures_of(ours)

    out["report_pdf"] = _report_latency(con, program, start, as_of, task.get("report_repeat", 3))
    con.close()
    out["peak_mb"] = peak_mb()
    return out


def _report_latency(con, program, start, as_of, repeat) -> dict:
    try:
        from pipelines import report
    except ImportError as exc:
        return {"skipped": "report: not available", "detail": str(exc)}
    if not hasattr(report, "write_report"):
        return {"skipped": "report: not available", "detail": "pipelines.report has no write_report"}
    repeat = max(repeat, 5)  # issue 12 states the report's goal as the median of 5 runs
    with tempfile.TemporaryDirectory(prefix="bench-report-") as folder:
        out = Path(folder) / "report.pdf"
        cpu: list[float] = []

        def build():
            started = time.process_time()
            report.write_report(con, [program], start, as_of, as_of, fmt="pdf", out=out)
            cpu.append(time.process_time() - started)
        try:
            # a build of minutes is measured once (its warm-up run): 1M participants
            timing = median_time(build, repeat, label="report pdf", slow_s=60, slow_runs=0)
        except Exception as exc:  # a module being written: record why, keep the rest
            return {"skipped": f"report: failed ({type(exc).__name__}: {str(exc)[:200]})"}
        timing["pdf_bytes"] = out.stat().st_size if out.exists() else None
        # CPU seconds of the process (all threads) beside the wall clock: on a shared machine the
        # wall clock says as much about the neighbours as about the report
        timed = cpu[1:] if len(cpu) > 1 else cpu
        timing["cpu_median_s"] = statistics.median(timed) if timed else None
        timing["cpu_runs_s"] = timed
        timing["load_average"] = os.getloadavg() if hasattr(os, "getloadavg") else None
        return timing


# =========================================================================== child: pages

def child_pages(task: dict) -> dict:
    """Render every dashboard page with AppTest: cold, then after an as-of change."""
    os.environ["OUTCOMES_DB"] = task["db"]
    import logging

    import streamlit as st
    from streamlit.testing.v1 import AppTest

    logging.getLogger("streamlit").setLevel(logging.ERROR)
    app = str(ROOT / "dashboard" / "app.py")
    timeout = task.get("timeout", 600)
    pages = task["pages"]

    def problems(at) -> list[str]:
        return [str(e.value)[:300] for e in at.error] + [str(e.value)[:300] for e in at.exception]

    def logged_in(at):
        """The session of the command line's own admin (no login page; only code in this process can)."""
        from dashboard import data
        from pipelines.access import LOCAL_ADMIN

        now = dt.datetime.now()
        at.session_state[data.PERSON_KEY] = LOCAL_ADMIN
        at.session_state[data.LOGIN_AT_KEY] = at.session_state[data.LAST_SEEN_KEY] = now
        return at

    t0 = time.perf_counter()
    logged_in(AppTest.from_file(app, default_timeout=timeout)).run()     # imports, fonts, first connection
    first = time.perf_counter() - t0
    out: dict = {"first_run_s": first, "pages": {}}
    for page in pages:
        at = logged_in(AppTest.from_file(app, default_timeout=timeout))
        at.run()                                                # lands on the default page
        st.cache_data.clear()
        at.switch_page(f"app_pages/{page}.py")
        progress(f"page {page}")
        reset_peak()
        t0 = time.perf_counter()
        at.run()
        cold = time.perf_counter() - t0
        row = {"cold_s": cold, "errors": problems(at)}
        as_of = at.date_input(key="as_of").value
        at.date_input(key="as_of").set_value(as_of - dt.timedelta(days=31))
        t0 = time.perf_counter()
        at.run()
        row["change_s"] = time.perf_counter() - t0
        row["as_of"] = [as_of.isoformat(), (as_of - dt.timedelta(days=31)).isoformat()]
        row["errors"] += [e for e in problems(at) if e not in row["errors"]]
        row["peak_mb"] = peak_mb()
        out["pages"][page] = row
    out["peak_mb"] = max([r["peak_mb"] for r in out["pages"].values()] + [0])
    return out


# The browser measurement: Debian's chromium through Playwright (as tests/dashboard/test_browser.py)
CHROMIUM = "/usr/bin/chromium"
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run"]
BROWSER_PAGES = {"overview": "uebersicht"}
# the admin the bench adds to its own store, to log in through the dashboard's login page
BENCH_ACCOUNT, BENCH_PASSWORD = "bench", "bench-password-2026"
# Records every change of Streamlit's script state with the browser's clock (ms since navigation).
_RUN_OBSERVER = """
window.__runs = [];
new MutationObserver(records => {
  for (const r of records) {
    const state = r.target.getAttribute('data-test-script-state');
    if (state) window.__runs.push([state, performance.now()]);
  }
}).observe(document, {attributes: true, subtree: true, attributeFilter: ['data-test-script-state']});
"""
# Done: the app shows a stopped script, something ran after `since` (or, on a fresh page, the app
# came up already stopped) and nothing changed for `quiet` ms; the value is the last change's time.
_SETTLED = """([since, quiet]) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  const runs = window.__runs.filter(r => r[1] > since);
  if (since > 0 && !runs.some(r => r[0] === 'running')) return false;
  const last = runs.length ? runs[runs.length - 1][1] : performance.now();
  if (!window.__seen) window.__seen = last;
  return performance.now() - last > quiet ? last : false;
}"""


def child_browser(task: dict) -> dict:
    """Pages in a real browser against `streamlit run`: cold (a fresh session on an as-of date not
    seen before, so nothing is cached) and after the as-of date moves back 31 days in the sidebar.

    Times are the browser's: from navigation (cold) or from closing the date field with the new date to the
    moment the script run stops and no further run starts within 300 ms. Run 1 is the first view
    in a fresh server process (imports, first connection) and is reported apart; the figure is
    the median of `repeat` views on other as-of dates.
    """
    from playwright.sync_api import sync_playwright

    from dashboard import serve

    if not Path(CHROMIUM).exists():
        return {"skipped": f"chromium not found at {CHROMIUM}"}
    as_of = dt.date.fromisoformat(task["as_of"])
    repeat = task.get("repeat", 5)
    out: dict = {"pages": {}}
    _bench_account(task["db"])
    with tempfile.TemporaryDirectory(prefix="bench-browser-") as folder, \
            serve.serving(task["db"], Path(folder) / "streamlit.log", start_timeout_s=90) as url, \
            sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS, timeout=60_000)
        try:
            for page_name, slug in BROWSER_PAGES.items():
                out["pages"][page_name] = _browser_page(browser, url, slug, task["program"], as_of, repeat)
        finally:
            browser.close()
    return out


def _bench_account(db_path: str) -> None:
    """The bench's admin account in its store (added once; a store is reused by later runs)."""
    from pipelines.access import LOCAL_ADMIN, accounts
    from pipelines.store import db

    with db.writing(db_path) as con:
        if BENCH_ACCOUNT not in [a.name for a in accounts.account_list(con)]:
            accounts.add(con, BENCH_ACCOUNT, "admin", BENCH_PASSWORD, actor=LOCAL_ADMIN)


def _log_in(page) -> float:
    """Fill the login form that a fresh session meets and send it; returns the browser's clock (ms) at
    the click, from which the page's first view is timed."""
    from pipelines import text

    page.get_by_label(text.say("access.login.name", "de"), exact=True).fill(BENCH_ACCOUNT)
    page.get_by_label(text.say("access.login.password", "de"), exact=True).fill(BENCH_PASSWORD)
    since = page.evaluate("performance.now()")
    page.get_by_role("button", name=text.say("access.login.submit", "de"), exact=True).click()
    return since


def _browser_page(browser, url: str, slug: str, program: str, as_of: dt.date, repeat: int) -> dict:
    colds, changes, errors = [], [], []
    for run in range(repeat + 1):
        day = as_of - dt.timedelta(days=7 * run)              # a date not seen before: nothing cached
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="de-DE")
        context.add_init_script(_RUN_OBSERVER)
        page = context.new_page()
        page.set_default_timeout(120_000)
        try:
            # a fresh session meets the login first (not timed); the view is timed from the click on
            # "Anmelden" to the page's last script run (the login keeps the URL's path and query)
            page.goto(f"{url}/{slug}?program={program}&as_of={day.isoformat()}", wait_until="commit")
            page.wait_for_function(_SETTLED, arg=[0, 300], polling=50)
            since = _log_in(page)
            cold_ms = page.wait_for_function(_SETTLED, arg=[since, 300], polling=50).json_value() - since
            shown = page.locator('[data-testid="stException"], [data-testid="stAlertContentError"]')
            if shown.count():
                errors.append(shown.first.inner_text()[:300])
            field = page.locator('[data-testid="stSidebar"] [data-testid="stDateInput"] input').first
            moved = day - dt.timedelta(days=31)
            shown_format = "%Y-%m-%d" if "-" in field.input_value() else "%d.%m.%Y"
            field.fill(moved.strftime(shown_format))
            since = page.evaluate("performance.now()")
            field.press("Escape")                              # closes the calendar: the new date counts
            done = page.wait_for_function(_SETTLED, arg=[since, 300], polling=50).json_value()
            colds.append(cold_ms / 1000)
            changes.append((done - since) / 1000)
            if run == 0:
                page.screenshot(path=str(DATA_DIR / f"browser_{slug}.png"))
        finally:
            context.close()
    first_cold, first_change = colds.pop(0), changes.pop(0)
    return {"cold_s": statistics.median(colds), "change_s": statistics.median(changes), "cold_runs_s": colds,
            "change_runs_s": changes, "first_view_s": first_cold, "first_change_s": first_change,
            "errors": errors}


CHILDREN = {"ingest": child_ingest, "bare": child_bare, "floor": child_floor, "latency": child_latency, "pages": child_pages,
            "browser": child_browser}


def run_child(task: dict, log, timeout: float = 3600) -> dict:
    """Run one measurement in a fresh Python process; its result is the last BENCH-RESULT line."""
    import threading

    cmd = [sys.executable, "-m", "bench.run", "--child", json.dumps(task)]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    errors: list[str] = []

    def follow_stderr():
        for line in proc.stderr:
            if line.startswith(PROGRESS_PREFIX):
                log("    · " + line[len(PROGRESS_PREFIX):].rstrip())
            else:
                errors.append(line.rstrip())
                del errors[:-20]

    reader = threading.Thread(target=follow_stderr, daemon=True)
    reader.start()
    timer = threading.Timer(timeout, proc.kill)
    timer.start()
    stdout = proc.stdout.read()
    proc.wait()
    timer.cancel()
    reader.join(5)
    if proc.returncode == -9:
        return {"error": f"killed after {timeout:.0f} s"}
    lines = [line for line in stdout.splitlines() if line.startswith(RESULT_PREFIX)]
    if proc.returncode != 0 or not lines:
        tail = (errors or stdout.strip().splitlines())[-5:]
        log(f"    child {task['task']} failed (exit {proc.returncode}): {' | '.join(tail)}")
        return {"error": " | ".join(tail) or f"exit {proc.returncode}"}
    result = json.loads(lines[-1][len(RESULT_PREFIX):])
    result["process_s"] = time.perf_counter() - t0
    return result


# =========================================================================== one scale

def dashboard_pages() -> list[str]:
    # the login page is shown before a login only (app.py's login gate); the bench is logged in
    return sorted(p.stem for p in (ROOT / "dashboard" / "app_pages").glob("*.py") if p.stem not in ("__init__", "login"))


def run_scale(n: int, args, log) -> dict:
    """Generate (or reuse) the files of one scale and measure the parts asked for."""
    folder = Path(args.data) / str(n)
    t0 = time.perf_counter()
    manifest = gen.generate(n, folder, xlsx=n <= args.xlsx_max, log=lambda m: log(f"  {m}"))
    out: dict = {"participants": n, "episodes": manifest["episodes"],
                 "episodes_per_participant": round(manifest["episodes"] / n, 2),
                 "generate_s": round(time.perf_counter() - t0, 1),
                 "files": {k: {"bytes": v["bytes"], "rows": v["rows"]} for k, v in manifest["files"].items()},
                 "as_of": manifest["as_of"], "program": manifest["program"]}
    stores = folder / "stores"
    tracking_store = stores / "tracking_csv" / "outcomes.duckdb"
    previous = args.previous.get("scales", {}).get(str(n), {})
    if "ingest" in args.parts:
        out["ingest"] = _ingest(manifest, stores, args, log)
    else:
        if not tracking_store.exists():
            raise SystemExit(f"{tracking_store} is missing: run with --parts ingest first")
        out["ingest"] = previous.get("ingest", {})
        out["ingest_from_run"] = args.previous.get("started")
    if "error" in out["ingest"].get("tracking_csv", {}):
        log("  no store: latency and pages skipped")
        return out
    for part, measure in (("latency", _latency), ("pages", _pages), ("browser", _browser)):
        if part in args.parts:
            out[part] = measure(tracking_store, manifest, args, log)
        else:
            out[part] = previous.get(part, {"skipped": "--parts"})
    return out


def _ingest(manifest: dict, stores: Path, args, log) -> dict:
    """Every input format into its own fresh store, with DuckDB's bare read_csv beside it."""
    files = {k: v["path"] for k, v in manifest["files"].items()}
    program = (files["program"], None)
    ingest: dict = {}

    def measure(name, db_name, setup, file, bare_encoding=None, bare=True, copy_from=None, floor=None) -> Path:
        log(f"  ingest {name} …")
        db_path = stores / db_name / "outcomes.duckdb"
        ours, bares, floors = [], [], []
        for _ in range(args.ingest_repeat):     # ours and bare alternating; the medians reported
            res = run_child({"task": "ingest", "db": str(db_path), "setup": setup, "file": file,
                             "copy_from": str(copy_from) if copy_from else None}, log)
            if "error" not in res and res.get("outcome") != "loaded":
                res["error"] = f"outcome {res.get('outcome')}: {'; '.join(res.get('problems', []))}"
            ours.append(res)
            if "error" in res:
                break
            if bare:
                bares.append(run_child({"task": "bare", "db": str(stores / f"bare_{name}.duckdb"),
                                        "path": file[0], "encoding": bare_encoding}, log))
            if floor:
                floors.append(run_child({"task": "floor", "db": str(stores / f"floor_{name}.duckdb"), "path": file[0],
                                         "kind": floor, "setup": setup, "program": gen.PROGRAM_ID,
                                         "copy_from": str(copy_from) if copy_from else None}, log))
        res = _median_run(ours)
        if "error" not in res:
            res["rows_per_s"] = res["rows_read"] / res["seconds"]
        b = _median_run(bares) if bares else {"error": "not measured"}
        if bare and "error" not in res and "error" not in b:
            b["rows_per_s"] = b["rows"] / b["seconds"]
            res["bare"] = b
            res["ratio_ours_bare"] = res["rows_per_s"] / b["rows_per_s"]
        if floors and "error" not in res:
            f = _median_run(floors)
            res["floor"] = f
            if "error" not in f and "bare" in res:
                res["ratio_floor_bare"] = res["bare"]["seconds"] / f["seconds"]
        ingest[name] = res
        if "error" in res:
            log(f"    {name}: ERROR {res['error']}")
        else:
            extra = f", bare {res['bare']['rows_per_s']:,.0f} rows/s, ours/bare {res['ratio_ours_bare']:.2f}" \
                if "bare" in res else ""
            log(f"    {name}: {res['rows_read']:,} rows in {res['seconds']:.2f} s = {res['rows_per_s']:,.0f} rows/s"
                f"{extra}, peak {res['peak_mb']:.0f} MB")
            if "ratio_floor_bare" in res:
                log(f"    {name}: floor (read, type, write the rows and derived tables; no checks) {res['floor']['seconds']:.2f} s, "
                    f"floor/bare {res['ratio_floor_bare']:.2f}")
        return db_path

    measure("tracking_csv", "tracking_csv", [program], (files["tracking_csv"], gen.PROGRAM_ID),
            bare_encoding="latin-1", floor="tracking")
    long_store = measure("participants_csv", "long", [program], (files["participants_csv"], None))
    # episodes need their participants: a copy of the store the participants went into
    measure("episodes_csv", "long_episodes", [], (files["episodes_csv"], None), copy_from=long_store, floor="episodes")
    if "tracking_xlsx" in files:
        measure("tracking_xlsx", "tracking_xlsx", [program], (files["tracking_xlsx"], gen.PROGRAM_ID), bare=False)
    else:
        ingest["tracking_xlsx"] = {"skipped": f"XLSX measured up to {args.xlsx_max:,} participants (--xlsx-max)"}
        log(f"  ingest tracking_xlsx: skipped ({ingest['tracking_xlsx']['skipped']})")
    return ingest


def _median_run(runs: list[dict]) -> dict:
    """The run with the median time (of several: the others' times and CPU seconds beside it)."""
    failed = next((r for r in runs if "error" in r), None)
    if failed is not None or len(runs) == 1:
        return failed or runs[0]
    ordered = sorted(runs, key=lambda r: r["seconds"])
    median = dict(ordered[(len(ordered) - 1) // 2])
    median["runs_s"] = [round(r["seconds"], 2) for r in runs]
    median["runs_cpu_s"] = [round(r.get("cpu_s", 0.0), 2) for r in runs]
    return median


def _latency(tracking_store: Path, manifest: dict, args, log) -> dict:
    log("  latency (status, targets, compare, pandas, report) …")
    lat = run_child({"task": "latency", "db": str(tracking_store), "program": gen.PROGRAM_ID,
                     "as_of": manifest["as_of"], "repeat": args.repeat, "report_repeat": 3}, log)
    if "error" not in lat:
        log("    " + ", ".join(f"{k} {lat[k]['median_s'] * 1000:.1f} ms" for k in
                                 ("status_summary", "targets_evaluate", "compare_cohort", "pandas_status",
                                  "polars_status")))
        log(f"    report: {lat['report_pdf'].get('skipped') or '%.2f s' % lat['report_pdf']['median_s']}")
    return lat


def _pages(tracking_store: Path, manifest: dict, args, log) -> dict:
    log(f"  dashboard pages ({', '.join(dashboard_pages())}) …")
    pages = run_child({"task": "pages", "db": str(tracking_store), "pages": dashboard_pages()}, log)
    if "error" not in pages:
        for page, row in pages["pages"].items():
            flag = f"  ERROR: {row['errors'][0][:120]}" if row["errors"] else ""
            log(f"    {page:<11} cold {row['cold_s']:.2f} s, after change {row['change_s']:.2f} s{flag}")
    return pages


def _browser(tracking_store: Path, manifest: dict, args, log) -> dict:
    log(f"  pages in a real browser ({', '.join(BROWSER_PAGES)}; chromium + streamlit run) …")
    res = run_child({"task": "browser", "db": str(tracking_store), "program": gen.PROGRAM_ID,
                     "as_of": manifest["as_of"], "repeat": args.repeat}, log)
    for page, row in res.get("pages", {}).items():
        flag = f"  ERROR: {row['errors'][0][:120]}" if row["errors"] else ""
        log(f"    {page:<11} cold {row['cold_s']:.2f} s, after change {row['change_s']:.2f} s "
            f"(first view in a fresh server {row['first_view_s']:.2f} s){flag}")
    return res


# =========================================================================== goals and tables

def figures(scale: dict) -> dict:
    """The goal figures of one scale (None when not measured)."""
    ing, lat, pages = scale.get("ingest", {}), scale.get("latency", {}), scale.get("pages", {})
    f: dict = {}
    f["ingest_ratio_tracking_csv"] = ing.get("tracking_csv", {}).get("ratio_ours_bare")
    f["ingest_ratio_episodes_csv"] = ing.get("episodes_csv", {}).get("ratio_ours_bare")
    ms = lambda k: lat[k]["median_s"] * 1000 if k in lat and "median_s" in lat[k] else None  # noqa: E731
    f["status_ms"], f["targets_ms"], f["compare_ms"] = ms("status_summary"), ms("targets_evaluate"), ms("compare_cohort")
    for peer in ("pandas", "polars"):
        if f["status_ms"] and ms(f"{peer}_status"):
            f[f"{peer}_speedup"] = ms(f"{peer}_status") / f["status_ms"]
    report = lat.get("report_pdf", {})
    f["report_ms"] = report["median_s"] * 1000 if "median_s" in report else None
    f["xlsx_peak_mb"] = ing.get("tracking_xlsx", {}).get("peak_mb")
    overview = scale.get("browser", {}).get("pages", {}).get("overview", {})
    f["browser_overview_cold_s"] = overview.get("cold_s")
    f["browser_overview_change_s"] = overview.get("change_s")
    ok_pages = [r for r in pages.get("pages", {}).values() if not r.get("errors")]
    if ok_pages:
        f["pages_cold_max_s"] = max(r["cold_s"] for r in ok_pages)
        f["pages_change_max_s"] = max(r["change_s"] for r in ok_pages)
    return f


def evaluate_goals(results: dict) -> list[dict]:
    scales = sorted(int(n) for n in results["scales"])
    rows = []
    for key, what, at, limit, op in GOALS:
        scale = at if at in scales else (max(scales) if scales else None)
        value = figures(results["scales"][str(scale)]).get(key) if scale is not None else None
        met = None if value is None else (value >= limit if op == ">=" else value < limit)
        row = {"goal": key, "what": what, "goal_scale": at, "measured_at": scale, "value": value,
               "limit": f"{op} {limit:g}", "met": met}
        if key.startswith("pages") and scale is not None:
            broken = [p for p, r in results["scales"][str(scale)].get("pages", {}).get("pages", {}).items()
                      if r.get("errors")]
            if broken:
                row["note"] = f"{len(broken)} page(s) with errors left out"
        if scale is not None and scale != at:
            row["note"] = (row.get("note", "") + "; " if row.get("note") else "") + \
                "goal scale not run"
        rows.append(row)
    return rows


def _table(headers: list[str], rows: list[list], aligns: str | None = None) -> str:
    cells = [[str(c) for c in headers]] + [[("–" if c is None else str(c)) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    aligns = aligns or "l" + "r" * (len(headers) - 1)
    fmt = lambda r: "  ".join(c.ljust(w) if a == "l" else c.rjust(w) for c, w, a in zip(r, widths, aligns))  # noqa: E731
    return "\n".join([fmt(cells[0]), "  ".join("-" * w for w in widths)] + [fmt(r) for r in cells[1:]])


def _ms(seconds: float | None) -> str | None:
    return None if seconds is None else _n(seconds * 1000, 1)


def _n(v, digits=0):
    return None if v is None else f"{v:,.{digits}f}"


def render(results: dict) -> str:
    out = []
    m = results["machine"]
    out.append(f"Machine: {m['cores']} cores, {m['ram_gb']} GB RAM, {m['cpu']}; Python {m['python']}, "
               f"DuckDB {m['duckdb']}, pandas {m['pandas']}, Streamlit {m['streamlit']}; "
               f"load average at start {m['load_avg_at_start']}")
    for n, s in sorted(results["scales"].items(), key=lambda kv: int(kv[0])):
        out.append("")
        out.append(f"=== {int(n):,} participants, {s['episodes']:,} episodes "
                   f"({s['episodes_per_participant']} per participant), as of {s['as_of']} ===")
        rows = []
        labels = {"tracking_csv": "tracking sheet CSV (cp1252, ;)", "participants_csv": "participants CSV (long)",
                  "episodes_csv": "episodes CSV (long)", "tracking_xlsx": "tracking sheet XLSX"}
        for key, label in labels.items():
            r = s.get("ingest", {}).get(key, {})
            if "skipped" in r or "error" in r:
                rows.append([label, None, None, None, None, None, None, r.get("skipped") or "ERROR " + r["error"][:60]])
                continue
            b = r.get("bare", {})
            rows.append([label, _n(r.get("rows_read")), _n(r.get("seconds"), 2), _n(r.get("rows_per_s")),
                         _n(b.get("rows_per_s")), _n(r.get("ratio_ours_bare"), 3),
                         _n(r.get("peak_mb")), _n(r.get("store_mb"), 1)])
        out.append(_table(["ingestion (strict, fresh store)", "rows", "s", "rows/s", "bare rows/s", "ours/bare",
                           "peak RSS MB", "store MB"], rows))
        for key in ("tracking_csv", "episodes_csv", "tracking_xlsx"):
            phases = s.get("ingest", {}).get(key, {}).get("phases_s")
            if phases:
                total = s["ingest"][key]["seconds"]
                top = [f"{k} {v:.2f}s ({v / total:.0%})" for k, v in phases.items() if v / total >= 0.03]
                out.append(f"  phases {key}: " + "; ".join(top))
        for key, r in s.get("ingest", {}).items():
            f = r.get("floor") if isinstance(r, dict) else None
            if f and "error" not in f and "ratio_floor_bare" in r:
                parts = "; ".join(f"{k} {v['seconds']:.2f}s" for k, v in f["steps"].items())
                out.append(f"  floor {key} (read, type, write the rows and derived tables; no checks, no archive): "
                           f"{f['seconds']:.2f} s, bare/floor {r['ratio_floor_bare']:.2f} — {parts}")
        lat = s.get("latency", {})
        if lat and "error" not in lat:
            rows = []
            names = [("status_summary", "metrics.status_summary"), ("targets_evaluate", "targets.evaluate (%d targets)"
                      % lat.get("targets_evaluate", {}).get("targets", 0)),
                     ("compare_cohort", "compare(by=cohort) + curves (%d groups)"
                      % lat.get("compare_cohort", {}).get("groups", 0)),
                     ("pandas_status", "pandas: same status question"),
                     ("polars_status", "polars: same status question")]
            for key, label in names:
                r = lat.get(key)
                if not r or "median_s" not in r:     # a part measured in another run, or skipped
                    continue
                rows.append([label, _n(r["median_s"] * 1000, 1), _n(r["min_s"] * 1000, 1), _n(r["max_s"] * 1000, 1),
                             len(r["runs_s"]), _ms(r.get("cpu_median_s")), _ms(r.get("wait_median_s"))])
            rep = lat.get("report_pdf", {})
            rows.append(["report.write_report (pdf)" if "median_s" in rep else rep.get("skipped")] + (
                [_n(rep["median_s"] * 1000, 0), _n(rep["min_s"] * 1000, 0), _n(rep["max_s"] * 1000, 0),
                 len(rep["runs_s"]), _ms(rep.get("cpu_median_s")), _ms(rep.get("wait_median_s"))]
                if "median_s" in rep else [None] * 6))
            out.append("")
            out.append(_table(["latency (1 warm-up, then median)", "median ms", "min ms", "max ms", "runs",
                               "CPU ms (all threads)", "waiting for a core ms"], rows))
            for peer in ("pandas", "polars"):
                p = lat.get(f"{peer}_status")
                if not p or "median_s" not in p or "median_s" not in lat.get("status_summary", {}):
                    continue
                speed = p["median_s"] / lat["status_summary"]["median_s"]
                out.append(f"  status: ours {speed:.1f}× faster than {peer} (tables read once, not timed); "
                           f"same figures: {'yes' if p['agrees_with_ours'] else 'NO ' + str(p['disagreements'])}")
        elif lat:
            out.append(f"latency: ERROR {lat['error']}")
        pages = s.get("pages", {})
        if pages.get("pages"):
            rows = [[page, _n(r["cold_s"], 2), _n(r["change_s"], 2), _n(r["peak_mb"]),
                     ("ERROR: " + r["errors"][0][:70]) if r["errors"] else ""] for page, r in pages["pages"].items()]
            out.append("")
            out.append(_table(["dashboard page (AppTest)", "cold s", "after as-of change s", "peak RSS MB", ""],
                              rows, "lrrrl"))
            out.append(f"  first AppTest run in the process (imports): {pages['first_run_s']:.2f} s; "
                       f"dashboard process peak RSS {pages['peak_mb']:.0f} MB")
        elif pages:
            out.append(f"pages: {pages.get('skipped') or 'ERROR ' + str(pages.get('error'))}")
        browser = s.get("browser", {})
        if browser.get("pages"):
            app_pages = pages.get("pages", {})
            rows = [[page, _n(r["cold_s"], 2), _n(r["change_s"], 2), _n(r["first_view_s"], 2),
                     _n(app_pages.get(page, {}).get("cold_s"), 2), _n(app_pages.get(page, {}).get("change_s"), 2),
                     ("ERROR: " + r["errors"][0][:60]) if r["errors"] else ""] for page, r in browser["pages"].items()]
            out.append("")
            out.append(_table(["page in chromium (median)", "cold s", "after as-of change s", "first view s",
                               "AppTest cold s", "AppTest change s", ""], rows, "lrrrrrl"))
        elif browser:
            out.append(f"browser: {browser.get('skipped') or 'ERROR ' + str(browser.get('error'))}")
    out.append("")
    rows = [[g["what"], f"{g['goal_scale']:,}", _n(g["measured_at"]), _n(g["value"], 2), g["limit"],
             {True: "yes", False: "NO", None: "–"}[g["met"]], g.get("note", "")] for g in results["goals"]]
    out.append(_table(["goal", "goal at", "measured at", "value", "limit", "met", "note"], rows, "lrrrllll"))
    for note in results.get("notes", []):
        out.append(f"Note: {note}")
    return "\n".join(out)


# =========================================================================== main

def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", default=DEFAULT_SCALES,
                        help=f"participants per scale, comma-separated (default {DEFAULT_SCALES})")
    parser.add_argument("--quick", action="store_true", help="10,000 participants only")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per latency figure (default 5)")
    parser.add_argument("--xlsx-max", type=int, default=1_000_000,
                        help="largest scale with an XLSX tracking sheet (default 1,000,000)")
    parser.add_argument("--ingest-repeat", type=int, default=1,
                        help="runs of each ingestion (and of the bare read_csv beside it), median reported "
                             "(default 1: a 1 M load takes minutes)")
    parser.add_argument("--parts", default="ingest,latency,pages,browser",
                        help="what to measure (default ingest,latency,pages,browser); parts left out keep the "
                             "figures of the previous results file and reuse its stores")
    parser.add_argument("--data", default=str(DATA_DIR), help="folder for generated files and stores")
    parser.add_argument("--out", default=str(RESULTS), help="results JSON (default bench/results.json)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.child:
        task = json.loads(args.child)
        result = CHILDREN[task["task"]](task)
        print(RESULT_PREFIX + json.dumps(result, default=str), flush=True)
        return 0
    args.parts = {p.strip() for p in args.parts.split(",") if p.strip()}
    unknown = args.parts - {"ingest", "latency", "pages", "browser"}
    if unknown:
        raise SystemExit(f"unknown part(s): {', '.join(sorted(unknown))}")
    args.previous = json.loads(Path(args.out).read_text()) if Path(args.out).exists() else {}
    scales = [10_000] if args.quick else [int(s.replace("_", "")) for s in args.scales.split(",") if s.strip()]
    started = time.perf_counter()

    def log(message: str) -> None:
        print(f"[{time.perf_counter() - started:7.1f}s] {message}", flush=True)

    results: dict = {"started": dt.datetime.now().isoformat(timespec="seconds"), "machine": machine_info(),
                     "args": {"scales": scales, "repeat": args.repeat, "xlsx_max": args.xlsx_max,
                              "parts": sorted(args.parts)},
                     "scales": {}, "notes": [
                         "Wall-clock figures on a shared machine: other processes (tests, other benchmarks) "
                         "add noise; compare medians, not single runs.",
                         "Ingestion times include archiving the raw file beside the store (as `outcomes ingest`).",
                         "Bare read_csv of the cp1252 tracking sheet uses encoding = 'latin-1'.",
                     ]}
    for n in scales:
        log(f"scale {n:,}")
        results["scales"][str(n)] = run_scale(n, args, log)
        results["goals"] = evaluate_goals(results)
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(json.dumps(results, indent=2, default=str))   # partial results survive
    for n in scales:
        rep = results["scales"][str(n)].get("latency", {}).get("report_pdf", {})
        if "skipped" in rep:
            print(rep["skipped"])
            results["notes"].append(rep["skipped"])
            break
    results["finished"] = dt.datetime.now().isoformat(timespec="seconds")
    results["total_s"] = round(time.perf_counter() - started, 1)
    results["goals"] = evaluate_goals(results)
    Path(args.out).write_text(json.dumps(results, indent=2, default=str))
    print()
    print(render(results))
    print(f"\nResults: {args.out} (total {results['total_s']:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
