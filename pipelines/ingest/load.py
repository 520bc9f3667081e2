"""One load: a file read, checked and written in one transaction, archived and logged.

strict (default): any problem → nothing is written and every problem is reported; lenient: good
rows load, every bad row goes to `rejected_row` and a rejects CSV. Loading a file that was
loaded before records a skipped load and changes nothing else.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import duckdb
import pandas as pd

from pipelines import indicators, vocab
from pipelines.ingest import programs, readers, rejects, rules, upsert
from pipelines.ingest.headers import ColumnMapping, Layout, map_headers, status_index
from pipelines.ingest.problems import LoadResult, Problem, Refused
from pipelines.store import catalog, checks, db, derived
from pipelines.store.db import transaction
from pipelines.text.indicators import problem_message as indicator_problem_message

TEMP_TABLES = ("_stg", "_norm", "_bad", "_problems", "_unread", "_value_alias", "_incoming")


class Ingestor:
    """Loads files into one store. Keep one per connection; each file is its own transaction.

    Args:
        db_path: the store's file; raw files are archived and rejects files written beside it.
        lenient: load the good rows of a file with bad ones.
        mapping: a column-mapping file (TOML) for other headers and values.
        program: the program of files without a program column.
        lang: the language of the rejects files and of the words other modules still make
            (targets in program files, indicator files).
        loaded_by: who is logged as loading (default: the user).
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, *, db_path: str | Path | None = None,
                 lenient: bool = False, mapping: Path | None = None, program: str | None = None,
                 lang: str = "de", loaded_by: str | None = None):
        self.con = con
        self.lenient = lenient
        self.mapping_path = mapping
        self.program = program
        self.lang = lang
        self.loaded_by = loaded_by or _user()
        self.store_dir = db.files_dir(db_path, con) if db_path is not None else None

    def ingest(self, spec: str | Path) -> LoadResult:
        """Load one file ('file.xlsx#Sheet' for a named sheet); never raises for a bad file.
        On a shared store (DuckLake) a load whose commit loses a race to another writer is redone
        whole (db.retrying)."""
        return db.retrying(lambda: self._ingest_once(spec))

    def _ingest_once(self, spec: str | Path) -> LoadResult:
        path, sheet = readers.split_sheet(spec)
        result = LoadResult(file=path.name)
        try:
            mapping = ColumnMapping.read(self.mapping_path)
            if path.suffix.lower() == ".toml":
                self._load_program(path, result)
            else:
                self._load_data(path, sheet, mapping, result)
        except Refused as refused:
            result.outcome = "failed"
            result.problems = refused.problems
            result.rows_loaded = 0
        except checks.CheckFailed as failed:    # the load would break the store: rolled back
            result.outcome = "failed"
            result.problems = [Problem("store_check", path.name, params={"checks": ", ".join(failed.failures)})]
            result.rows_loaded = 0
        finally:
            for table in TEMP_TABLES:
                self.con.execute(f"drop table if exists {table}")
        return result

    # -- program files ------------------------------------------------------------------
    def _load_program(self, path: Path, result: LoadResult) -> None:
        if not path.exists():
            raise Refused([Problem("not_found", path.name)])
        data = path.read_bytes()
        result.kind = "program"
        sha = hashlib.sha256(data).hexdigest()
        try:
            spec = programs.parse_program_file(data, path.name, self.lang)
        except programs.ProgramFileError as exc:
            raise Refused([Problem(code, path.name, line=line, params=params)
                           for code, line, params in exc.problems]) from None
        result.programs = [spec.program["program_id"]]
        result.rows_read = 1 + len(spec.targets) + len(spec.statuses)
        taken = self.con.execute(
            "select distinct target_id, program_id from target where program_id <> $p "
            "and target_id in (select unnest($ids)) order by 1",
            {"p": spec.program["program_id"], "ids": sorted({t["target_id"] for t in spec.targets})}).fetchall()
        if taken:   # a target id names one target across programs (reports and edits find it by id)
            raise Refused([Problem("bad_program", path.name, params={"rule": "target_taken", "value": t,
                                                                     "other": p}) for t, p in taken])
        # an own status the file no longer declares while episodes of the program still have it
        orphaned = self.con.execute(
            "select status, count(*) from episode where program_id = $p and status not in "
            "(select status from status_vocabulary where program_id = '*') and status not in (select unnest($own)) "
            "group by all order by 1",
            {"p": spec.program["program_id"], "own": [s["status"] for s in spec.statuses] or [""]}).fetchall()
        if orphaned:
            raise Refused([Problem("bad_program", path.name, params={"rule": "status_in_use", "value": status,
                                                                     "count": n}) for status, n in orphaned])
        if self._already_loaded(sha, result):
            return
        with transaction(self.con):
            load_id = self._log_load(path, sha, result, rows_loaded=result.rows_read, rows_rejected=0)
            programs.store_program(self.con, spec, load_id)
            # a program file changes the vocabulary, the start (derived tables: rebuilt whole) and may clear
            # an attribute of every participant: checked whole, so that a later correction, checked in
            # what it writes, starts from a clean store
            checks.assert_clean(self.con, skip=checks.DERIVED_CHECKS)
        result.rows_loaded = result.rows_read
        result.outcome = "loaded"

    # -- data files ---------------------------------------------------------------------
    def _load_data(self, path: Path, sheet: str | None, mapping: ColumnMapping, result: LoadResult) -> None:
        con = self.con
        try:
            staged = readers.stage(con, path, "_stg", sheet)
        except readers.FileProblem as exc:
            raise Refused([Problem(exc.code, path.name, line=exc.line, column=exc.column,
                                   params=exc.params)]) from None
        result.rows_read = staged.rows
        result.details = {k: v for k, v in (
            ("encoding", staged.encoding), ("delimiter", staged.delimiter), ("sheet", staged.sheet),
            ("sheet_reason", staged.sheet_reason), ("header_row", staged.header_row),
            ("blank_rows", staged.blank_rows), ("total_rows", staged.total_rows)) if v}
        sha = _file_sha256(path, f"|sheet={staged.sheet}|program={self.program}|mapping={mapping.digest}")

        indicator_kind = indicators.detect(staged.headers)
        if indicator_kind:
            self._load_indicators(path, indicator_kind, sha, result)
            return

        layout = self._layout(path.name, staged.headers, mapping)
        result.details["columns"] = [{"column": h, "field": f} for h, f in layout.columns]
        kind = result.kind = layout.kind()
        counts_only = readers.drop_count_rows(con, "_stg", layout.fields["participant_id"], staged.headers)
        if counts_only:     # a totals row without its word: no id, only numbers
            staged.total_rows += counts_only
            staged.rows -= counts_only
            result.rows_read = staged.rows
            result.details["total_rows"] = staged.total_rows
        program = self._check_entry_and_program(path.name, layout)
        if program != self.program:
            result.details["program_inferred"] = program
        rules.normalise(con, layout, kind, program, mapping)
        problems = rules.find_problems(con, layout, kind, path.name)
        rules.create_kept_view(con, layout)
        result.programs = [r[0] for r in con.execute(
            "select distinct program_id from _norm where program_id is not null order by 1").fetchall()]

        if problems and not self.lenient:
            raise Refused(problems)
        if self._already_loaded(sha, result):
            return
        bad_lines = con.execute("select count(distinct line) from _problems").fetchone()[0]
        con.execute("create temp table _bad as select distinct line as _line from _problems")
        result.rows_rejected = bad_lines
        result.rows_loaded = staged.rows - bad_lines
        result.problems = problems
        with self._archive(sha) as archive, self._archived(archive, layout, problems), transaction(con):
            load_id = self._log_load(path, sha, result, result.rows_loaded, result.rows_rejected,
                                     raw_path=archive.name if archive else None)
            if kind in ("participants", "tracking"):
                upsert.upsert_participants(con, layout, load_id)
            if kind == "tracking":
                upsert.replace_tracking_episodes(con, layout, load_id)
            if kind == "episodes":
                upsert.replace_long_episodes(con, load_id)
            whole = derived.rebuild(con, result.programs, load_id=load_id)
            # a load that rewrote most of its programs is checked whole (picking its rows out of the
            # tables costs more than it saves then); a correction, in what it wrote (checks.sql)
            checks.assert_clean(con, skip=checks.DERIVED_CHECKS if whole else (), load_id=None if whole else load_id)
            if problems:
                rejects.store_rejects(con, load_id, path.name, problems, self.lang)
        result.load_id = load_id
        result.outcome = "loaded"
        if problems and self.store_dir is not None:
            target = self.store_dir / "rejects" / f"{load_id:05d}-{path.stem}.rejects.csv"
            result.rejects_path = rejects.write_rejects(con, target, problems, self.lang)
        if kind in ("participants", "tracking") and "origin_region" in layout.fields:
            off = con.execute("select list(program_id order by program_id) from program "
                              "where not special_categories and program_id in (select unnest($p))",
                              {"p": result.programs}).fetchone()[0]
            if off:
                result.notes.append("special_categories_off")

    def _layout(self, file: str, headers: list[str], mapping: ColumnMapping) -> Layout:
        """The file's layout, or Refused: headers that cannot be used, an unknown kind of file."""
        layout = map_headers(headers, file, mapping, status_index(self.con, mapping))
        if layout.problems:
            raise Refused(layout.problems)
        kind = layout.kind()
        if kind is None:
            missing = "entry_date" if "participant_id" in layout.fields else "participant_id"
            problems = [Problem("unknown_kind", file, params={"headers": ", ".join(headers)})]
            if "participant_id" not in layout.fields or "entry_date" not in layout.fields:
                problems.append(Problem("missing_column", file, params={
                    "field": missing, "example": vocab.FIELD_ALIASES[missing][0]}))
            raise Refused(problems)
        return layout

    def _check_entry_and_program(self, file: str, layout: Layout) -> str | None:
        """The program of a file without a program column (the chosen one, or the one its ids belong to);
        Refused when a tracking sheet has no entry date or the file's program is not known."""
        if layout.kind() == "tracking" and "entry_date" not in layout.fields:
            raise Refused([Problem("missing_column", file, params={"field": "entry_date", "example": "Eintritt"})])
        if "program_id" not in layout.fields and not self.program:
            if layout.kind() == "episodes":
                return self._program_of_ids(file, layout.fields["participant_id"])
            known = catalog.program_ids(self.con)
            raise Refused([Problem("no_program", file, params={"known": ", ".join(known) or "–"})])
        if self.program and "program_id" not in layout.fields:
            known = catalog.program_ids(self.con)
            if self.program not in known:
                raise Refused([Problem("unknown_program", file, value=self.program,
                                       params={"known": ", ".join(known) or "–"})])
        return self.program

    def _program_of_ids(self, file: str, id_header: str) -> str:
        """The one program that holds every participant id of an episodes file (DESIGN.md: an episodes
        file without a program column takes its participants' program); else Refused, listing the
        candidates. Participants files of the same load are loaded first (ingest_files)."""
        rows = self.con.execute(
            f"with ids as (select distinct {db.quote_ident(id_header)} as participant_id from _stg "
            f"where {db.quote_ident(id_header)} is not null), "
            "placed as (select i.participant_id, list(distinct p.program_id order by p.program_id) as programs "
            "from ids i left join participant p using (participant_id) group by all) "
            "select count(*) filter (len(list_filter(programs, x -> x is not null)) = 0), "
            "list(distinct u.program_id order by u.program_id) filter (u.program_id is not null) "
            "from placed left join (select participant_id, unnest(programs) as program_id from placed) u "
            "using (participant_id)").fetchone()
        unplaced, candidates = rows[0], [c for c in (rows[1] or []) if c is not None]
        if unplaced == 0 and len(candidates) == 1:
            return candidates[0]
        if not candidates:
            candidates = catalog.program_ids(self.con)
        raise Refused([Problem("no_program_inferred", file, params={
            "candidates": ", ".join(candidates) or "–", "unplaced": unplaced})])

    # -- indicator files ----------------------------------------------------------------
    def _load_indicators(self, path: Path, source_kind: str, sha: str, result: LoadResult) -> None:
        result.kind = "indicators"
        frame = self.con.execute("select * from _stg order by _line").df()
        rows, found = indicators.normalise(frame, source_kind)
        errors = [{"line": e["line"], "column": e["column"], "value": e["value"], "code": e["code"],
                   "message": indicator_problem_message(e, self.lang)} for e in found]
        problems = [Problem(e.get("code") or "bad_value", path.name, e.get("line"), e.get("column"), e.get("value"),
                            text=e.get("message")) for e in errors]
        if problems and not self.lenient:
            raise Refused(problems)
        result.programs = sorted(rows["programme"].dropna().unique().tolist()) if len(rows) else []
        if self._already_loaded(sha, result):
            return
        bad_lines = len({e.get("line") for e in errors})
        result.rows_rejected = bad_lines
        result.rows_loaded = len(rows)
        result.problems = problems
        with transaction(self.con):
            load_id = self._log_load(path, sha, result, result.rows_loaded, result.rows_rejected)
            indicators.load(self.con, rows, load_id)
            if errors:
                self.con.register("_indicator_errors", pd.DataFrame(errors))
                self.con.execute(
                    "insert into rejected_row select ?, ?, line, \"column\", value, code, message, null "
                    "from _indicator_errors", [load_id, path.name])
                self.con.unregister("_indicator_errors")
        result.load_id = load_id
        result.outcome = "loaded"

    # -- the load log -------------------------------------------------------------------
    def _already_loaded(self, sha: str, result: LoadResult) -> bool:
        """True (and a skipped load logged) when the same file was loaded before."""
        row = self.con.execute(
            "select load_id from load where sha256 = ? and outcome = 'loaded' order by load_id limit 1", [sha]
        ).fetchone()
        if row is None:
            return False
        with transaction(self.con):
            result.load_id = self._log_load(Path(result.file), sha, result, 0, 0, outcome="skipped")
        result.outcome = "skipped"
        result.rows_loaded = 0
        result.rows_rejected = 0
        result.problems = []
        result.details["same_as_load"] = row[0]
        return True

    @contextmanager
    def _archive(self, sha: str) -> Iterator["_Archive | None"]:
        """Where a data file's load is archived for tracing: raw/<sha>.parquet beside the store, with the
        used columns only (the `_kept` view). Removed again when the load fails; a load killed half-way
        leaves an orphan that the next writer removes (store.db.writing)."""
        if self.store_dir is None:
            yield None
            return
        raw_dir = self.store_dir / "raw"
        raw_dir.mkdir(parents=True, exist_ok=True)
        archive = _Archive(raw_dir / f"{sha[:16]}.parquet", f"raw/{sha[:16]}.parquet")
        try:
            yield archive
        except BaseException:
            archive.path.unlink(missing_ok=True)
            raise

    @contextmanager
    def _archived(self, archive: "_Archive | None", layout: Layout, problems: list[Problem]) -> Iterator[None]:
        """Write the archive (before the load's transaction: a file is no part of it, and `_archive` removes
        it when the load fails); then, when no rejected row needs the staged file any more, drop it: the
        memory it holds is free before the transaction builds the store's tables (a temp table dropped
        inside a transaction is freed only at its end)."""
        if archive:
            target = str(archive.path).replace("'", "''")
            # the staged rows are in the file's order; only masking identifiers needs a join and a sort
            masked = any(p.code == "identifier_value" for p in problems)
            source = "select * from _kept order by _line" if masked else rules.kept_select(layout)
            self.con.execute(f"copy ({source}) to '{target}' (format parquet)")
        if not problems:
            self.con.execute("drop view if exists _kept")
            self.con.execute("drop table if exists _stg")
        yield

    def _log_load(self, path: Path, sha: str, result: LoadResult, rows_loaded: int, rows_rejected: int,
                  outcome: str = "loaded", raw_path: str | None = None) -> int:
        """The new load's id, logged with the archive of the load (if any)."""
        program = result.programs[0] if len(result.programs) == 1 else None
        load_id = db.allocate(self.con, "load_id")
        self.con.execute(
            "insert into load (load_id, file_name, sha256, kind, program_id, mode, outcome, rows_read, rows_loaded, "
            "rows_rejected, loaded_by, loaded_at, raw_path) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [load_id, path.name, sha, result.kind or "unknown", program, "lenient" if self.lenient else "strict",
             outcome, result.rows_read, rows_loaded, rows_rejected, self.loaded_by,
             dt.datetime.now().replace(microsecond=0), raw_path],
        )
        return load_id


@dataclass(frozen=True)
class _Archive:
    path: Path      # absolute
    name: str       # relative to the store's folder, as logged in load.raw_path


def _file_sha256(path: Path, suffix: str) -> str:
    """sha256 of the file's bytes followed by `suffix`, read in blocks (the file is not held twice)."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 22), b""):
            digest.update(block)
    digest.update(suffix.encode())
    return digest.hexdigest()


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in some containers
        return "unknown"


def ingest_files(con: duckdb.DuckDBPyConnection, files: list[str | Path], **options) -> list[LoadResult]:
    """Ingest files in a sensible order: program files, then participants/tracking, then episodes.

    Args:
        con: an open store.
        files: paths (an Excel sheet as 'file.xlsx#Sheet').
        **options: db_path, lenient, mapping, program, lang, loaded_by (see Ingestor).
    Returns:
        one LoadResult per file, in the order the files were processed.
    """
    ingestor = Ingestor(con, **options)
    try:
        mapping = ColumnMapping.read(options.get("mapping"))
    except Refused:         # each file's load reports the broken mapping file
        mapping = ColumnMapping()
    statuses = status_index(con, mapping)
    rank = {"program": 0, "indicators": 1, "participants": 2, "tracking": 2, "episodes": 3}

    def order(spec) -> int:
        path, sheet = readers.split_sheet(spec)
        if path.suffix.lower() == ".toml":
            return rank["program"]
        layout = map_headers(readers.peek_headers(path, sheet), path.name, mapping, statuses)
        return rank.get(layout.kind(), 2)

    return [ingestor.ingest(spec) for spec in sorted(files, key=order)]  # stable: ties keep order


def ingest_uploads(con: duckdb.DuckDBPyConnection, uploads: list[tuple[str, bytes]], **options) -> list[LoadResult]:
    """Ingest files that arrive as (name, bytes), e.g. from the dashboard's upload.

    The bytes are written under their own names to a private temporary folder and go the same
    way as `outcomes ingest` (ingest_files); the folder is removed afterwards.
    """
    with tempfile.TemporaryDirectory(prefix="wirkungsmonitor-upload-") as folder:
        paths = []
        for name, content in uploads:
            path = Path(folder) / Path(name).name   # never a path the client chose
            path.write_bytes(content)
            paths.append(path)
        return ingest_files(con, paths, **options)
