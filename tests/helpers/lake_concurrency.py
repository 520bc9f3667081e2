"""Concurrent writers + reader against one DuckLake (separate OS processes).

    res = run_concurrency(pg.ducklake, data_path, writers=2, batches=20, rows=1000)
    res["lost_rows"] == 0 and res["failed_reads"] == 0

Each writer: BEGIN; INSERT <rows> rows; COMMIT — retried by the app (rollback +
exponential backoff with jitter) on duckdb.TransactionException. Rows carry a
unique id = writer*10_000_000 + batch*100_000 + i, so lost or duplicated rows show.
The reader loops ``SELECT count(*)`` until the writers finish and checks that every
count is a multiple of `rows` (batches are atomic) and never decreases.
CLI: python concurrency.py  (starts its own PgServer, prints the JSON result).
"""
from __future__ import annotations

import json
import multiprocessing as mp
import os
import random
import time



def _app_retry(con, fn, *, attempts=30, base=0.05, cap=2.0, stats=None):
    """Run fn() inside BEGIN/COMMIT; on a commit conflict roll back, back off, redo."""
    import duckdb
    for i in range(attempts):
        try:
            con.execute("BEGIN")
            fn()
            con.execute("COMMIT")
            return
        except (duckdb.TransactionException, duckdb.IOException) as e:
            try:
                con.execute("ROLLBACK")
            except Exception:
                pass
            if stats is not None:
                stats["app_retries"] += 1
                stats.setdefault("errors", []).append(str(e).splitlines()[-1][:200])
            if i + 1 == attempts:
                raise
            time.sleep(min(cap, base * 2 ** i) * random.uniform(0.5, 1.0))


def _writer(wid, catalog, data_path, table, batches, rows, barrier, out_q, pause, retry, step_barrier):
    from pipelines.store.lake import connect_lake
    stats = {"writer": wid, "app_retries": 0, "intervals": [], "committed": 0}
    try:
        con = connect_lake(catalog, data_path, retry=retry)
        barrier.wait(timeout=60)
        for b in range(batches):
            if step_barrier is not None:
                step_barrier.wait(timeout=120)   # lockstep: all writers start batch b together
            base = wid * 10_000_000 + b * 100_000

            def work():
                con.execute(f"INSERT INTO {table} SELECT {base} + i, {wid}, {b}, 'w{wid}b{b}' "
                            f"FROM range({rows}) r(i)")
                if pause:
                    time.sleep(pause)       # widen the window between write and commit
            t0 = time.time()
            _app_retry(con, work, stats=stats)
            stats["intervals"].append((t0, time.time()))
            stats["committed"] += rows
        con.close()
    except Exception as e:  # report, don't hang the parent
        stats["fatal"] = f"{type(e).__name__}: {e}"
    out_q.put(stats)


def _reader(catalog, data_path, table, rows, barrier, stop_evt, out_q):
    from pipelines.store.lake import connect_lake
    stats = {"reads": 0, "failed_reads": 0, "errors": [], "non_multiple": 0, "decreases": 0, "last": 0}
    try:
        con = connect_lake(catalog, data_path)
        barrier.wait(timeout=60)
        last = 0
        while not stop_evt.is_set():
            try:
                n = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            except Exception as e:
                stats["failed_reads"] += 1
                stats["errors"].append(f"{type(e).__name__}: {str(e)[:200]}")
                continue
            stats["reads"] += 1
            stats["non_multiple"] += n % rows != 0
            stats["decreases"] += n < last
            last = max(last, n)
        stats["last"] = last
        con.close()
    except Exception as e:
        stats["fatal"] = f"{type(e).__name__}: {e}"
    out_q.put(stats)


def _collect(q, procs, n, deadline):
    """n results from q; fail fast if the children died without reporting."""
    import queue
    out = []
    while len(out) < n:
        try:
            out.append(q.get(timeout=0.5))
        except queue.Empty:
            if time.time() > deadline:
                raise TimeoutError(f"only {len(out)}/{n} child results before the deadline")
            if not any(p.is_alive() for p in procs):
                try:
                    out.append(q.get(timeout=2))
                    continue
                except queue.Empty:
                    codes = [p.exitcode for p in procs]
                    raise RuntimeError(f"child processes exited without a result: exit codes {codes}")
    return out


def _overlap(intervals_by_writer):
    """Fraction of batches of writer 0 whose time span intersects some batch of another writer."""
    if len(intervals_by_writer) < 2:
        return 0.0
    mine, others = intervals_by_writer[0], [iv for w in intervals_by_writer[1:] for iv in w]
    hit = sum(any(a < d and c < b for c, d in others) for a, b in mine)
    return hit / max(1, len(mine))


def run_concurrency(catalog: str, data_path: str, *, writers: int = 2, batches: int = 20, rows: int = 1000,
                    table: str = "conc_t", pause: float = 0.02, timeout: float = 300,
                    retry: dict | None = None, lockstep: bool = False) -> dict:
    """retry: DuckLake retry settings for the writers (None = lake.RETRY_SETTINGS).
    lockstep: writers wait for each other before every batch, so every commit races."""
    from pipelines.store.lake import connect_lake
    setup = connect_lake(catalog, data_path)
    setup.execute(f"CREATE OR REPLACE TABLE {table} (id BIGINT NOT NULL, writer INTEGER NOT NULL, "
                  f"batch INTEGER NOT NULL, payload VARCHAR)")
    snap_before = setup.execute("FROM lake.current_snapshot()").fetchone()[0]

    ctx = mp.get_context("spawn")          # never fork a process that has DuckDB loaded
    barrier = ctx.Barrier(writers + 1)
    step_barrier = ctx.Barrier(writers) if lockstep else None
    stop_evt = ctx.Event()
    wq, rq = ctx.Queue(), ctx.Queue()
    procs = [ctx.Process(target=_writer, args=(w, catalog, data_path, table, batches, rows, barrier, wq, pause, retry,
                                                   step_barrier))
             for w in range(writers)]
    reader = ctx.Process(target=_reader, args=(catalog, data_path, table, rows, barrier, stop_evt, rq))
    t0 = time.time()
    for p in procs + [reader]:
        p.start()
    try:
        wstats = _collect(wq, procs, len(procs), t0 + timeout)
        stop_evt.set()
        rstats = _collect(rq, [reader], 1, time.time() + 60)[0]
    finally:
        stop_evt.set()
        for p in procs + [reader]:
            p.join(timeout=5)
            if p.is_alive():
                p.terminate()
    elapsed = time.time() - t0

    expected = writers * batches * rows
    q = setup.execute(f"SELECT count(*), count(DISTINCT id), sum(id) FROM {table}").fetchone()
    exp_sum = sum(w * 10_000_000 * batches * rows + sum(b * 100_000 for b in range(batches)) * rows
                  + batches * rows * (rows - 1) // 2 for w in range(writers))
    # point look-ups go through min/max-stats file pruning (cf. duckdb/ducklake#1094 item 2)
    missing_lookups = 0
    for w in range(writers):
        for b in range(batches):
            for i in (0, rows - 1):
                k = w * 10_000_000 + b * 100_000 + i
                missing_lookups += setup.execute(f"SELECT count(*) FROM {table} WHERE id = {k}").fetchone()[0] != 1
    snap_after = setup.execute("FROM lake.current_snapshot()").fetchone()[0]
    setup.close()
    return {
        "expected_rows": expected,
        "count": q[0], "distinct_ids": q[1], "sum_ok": q[2] == exp_sum,
        "lost_rows": expected - q[1], "duplicate_rows": q[0] - q[1],
        "missing_point_lookups": missing_lookups,
        "app_retries": sum(w["app_retries"] for w in wstats),
        "app_retry_errors": sorted({e for w in wstats for e in w.get("errors", [])})[:5],
        "writer_fatal": [w.get("fatal") for w in wstats if w.get("fatal")],
        "overlap_fraction": round(_overlap([w["intervals"] for w in sorted(wstats, key=lambda s: s["writer"])]), 2),
        "reads": rstats["reads"], "failed_reads": rstats["failed_reads"], "read_errors": rstats["errors"][:5],
        "reader_non_multiple": rstats["non_multiple"], "reader_decreases": rstats["decreases"],
        "reader_fatal": rstats.get("fatal"),
        "snapshots_created": snap_after - snap_before,
        "elapsed_s": round(elapsed, 2),
    }


if __name__ == "__main__":
    import argparse
    import tempfile
    from tests.helpers.pg import PgServer
    ap = argparse.ArgumentParser()
    ap.add_argument("--writers", type=int, default=2)
    ap.add_argument("--batches", type=int, default=20)
    ap.add_argument("--rows", type=int, default=1000)
    ap.add_argument("--pause", type=float, default=0.02)
    ap.add_argument("--lockstep", action="store_true")
    ap.add_argument("--max-retry", type=int, default=None, help="ducklake_max_retry_count for writers")
    a = ap.parse_args()
    with PgServer() as pg, tempfile.TemporaryDirectory() as tmp:
        res = run_concurrency(pg.ducklake, os.path.join(tmp, "data"), writers=a.writers, batches=a.batches,
                              rows=a.rows, pause=a.pause, lockstep=a.lockstep,
                              retry=None if a.max_retry is None else {"ducklake_max_retry_count": a.max_retry})
        log = pg.logfile.read_text(errors="replace")
        res["pg_log_pkey_violations"] = log.count("duplicate key value violates unique constraint")
        res["pg_log_serialization_failures"] = log.count("could not serialize")
    print(json.dumps(res, indent=1))


# ---------------------------------------------------------------------------- real loads (the ingest code)

def write_load_files(folder, writer: int, files: int, rows: int) -> list:
    """A program file and `files` tracking sheets for writer `writer` (program `w<writer>`), each sheet
    with `rows` new participants (ids w<writer>-<file>-<i>), half of them starting training."""
    from pathlib import Path
    from tests.helpers.files import csv_file, program_file

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = [program_file(folder, f"w{writer}")]
    for f in range(files):
        lines = ["Teilnehmer-ID;Standort;Eintritt;Coaching ab;Ausbildung ab"]
        lines += [f"w{writer}-{f}-{i};Ort{i % 3};01.0{1 + i % 9}.2020;01.0{1 + i % 9}.2020;"
                  + ("01.10.2020" if i % 2 else "") for i in range(rows)]
        paths.append(csv_file(folder, f"w{writer}-{f}.csv", lines))
    return paths


def _ingest_writer(wid, spec, data_path, paths, barrier, out_q):
    os.environ["OUTCOMES_DATA_PATH"] = data_path
    from pipelines.ingest import Ingestor
    from pipelines.store import db
    stats = {"writer": wid, "loaded": 0, "retries": 0, "outcomes": [], "intervals": []}
    try:
        original = db.retrying

        def counting(work, **kw):       # count the loads this process had to redo
            def note(attempt, exc):
                stats["retries"] += 1
            return original(work, on_retry=note, **kw)
        db.retrying = counting
        barrier.wait(timeout=60)
        for path in paths:
            t0 = time.time()
            with db.writing(spec) as con:
                result = Ingestor(con, db_path=spec, program=f"w{wid}").ingest(path)
            stats["intervals"].append((t0, time.time()))
            stats["outcomes"].append(result.outcome)
            stats["loaded"] += result.rows_loaded if result.kind != "program" else 0
    except Exception as e:
        stats["fatal"] = f"{type(e).__name__}: {e}"
    out_q.put(stats)


def _ingest_reader(spec, data_path, barrier, stop_evt, out_q):
    os.environ["OUTCOMES_DATA_PATH"] = data_path
    from pipelines.store import catalog, db
    stats = {"reads": 0, "failed_reads": 0, "errors": [], "decreases": 0}
    try:
        barrier.wait(timeout=60)
        last = 0
        while not stop_evt.is_set():
            try:
                with db.reading(spec) as con:
                    n = con.execute("select count(*) from participant").fetchone()[0]
                    catalog.programs(con)
            except Exception as e:
                stats["failed_reads"] += 1
                stats["errors"].append(f"{type(e).__name__}: {str(e)[:200]}")
                continue
            stats["reads"] += 1
            stats["decreases"] += n < last
            last = max(last, n)
    except Exception as e:
        stats["fatal"] = f"{type(e).__name__}: {e}"
    out_q.put(stats)


def run_ingest_concurrency(spec: str, data_path: str, folder, *, writers: int = 2, files: int = 4,
                           rows: int = 200, timeout: float = 600) -> dict:
    """`writers` processes each load a program file and `files` tracking sheets through the ingest
    code (db.writing + Ingestor, whose loads are redone on a commit conflict) into one store, while a
    reader process asks the store in a loop (db.reading). Returns counts to check."""
    from pathlib import Path
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(writers + 1)
    stop_evt = ctx.Event()
    wq, rq = ctx.Queue(), ctx.Queue()
    plans = [write_load_files(Path(folder) / f"w{w}", w, files, rows) for w in range(writers)]
    procs = [ctx.Process(target=_ingest_writer, args=(w, spec, data_path, plans[w], barrier, wq))
             for w in range(writers)]
    reader = ctx.Process(target=_ingest_reader, args=(spec, data_path, barrier, stop_evt, rq))
    t0 = time.time()
    for p in procs + [reader]:
        p.start()
    try:
        wstats = _collect(wq, procs, len(procs), t0 + timeout)
        stop_evt.set()
        rstats = _collect(rq, [reader], 1, time.time() + 120)[0]
    finally:
        stop_evt.set()
        for p in procs + [reader]:
            p.join(timeout=10)
            if p.is_alive():
                p.terminate()
    return {
        "expected_rows": writers * files * rows,
        "loaded_rows": sum(w["loaded"] for w in wstats),
        "outcomes": sorted({o for w in wstats for o in w["outcomes"]}),
        "retries": sum(w["retries"] for w in wstats),
        "writer_fatal": [w["fatal"] for w in wstats if w.get("fatal")],
        "overlap_fraction": round(_overlap([w["intervals"] for w in sorted(wstats, key=lambda s: s["writer"])]), 2),
        "reads": rstats["reads"], "failed_reads": rstats["failed_reads"], "read_errors": rstats["errors"][:5],
        "reader_decreases": rstats["decreases"], "reader_fatal": rstats.get("fatal"),
        "elapsed_s": round(time.time() - t0, 2),
    }
