"""`build_report`: the report of some programs for a period on an as-of date, as data.

The sections draft their tables (`sections.py`), every count a named cell; suppression is
decided once over all cells and their relations (`suppression.suppress_cells`), then the
drafts are rendered to tables. Also here: the cover, the method section and the data
fingerprint.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import gc
import hashlib
from typing import Any, Iterable, Iterator, Sequence

import duckdb
import pandas as pd

from pipelines import targets, text
from pipelines.report import sections, suppression
from pipelines.report.drafts import Cells, Context, Draft, render_table
from pipelines import dates
from pipelines.report.model import Report, ReportError
from pipelines.store import db
from pipelines.targets import backtest


def _date(value: Any, name: str, lang: str) -> dt.date:
    try:
        return dates.as_date(value)
    except (TypeError, ValueError):
        raise ReportError(text.say("report.e_date", lang, name=text.say(f"report.{name}", lang),
                                   value=value)) from None


def build_report(con: duckdb.DuckDBPyConnection, programs: Sequence[str], period_start: Any,
                 period_end: Any, as_of: Any, lang: str = "de", threshold: int = 3,
                 publication: bool = True, created: Any = None, force: Iterable[Any] = ()) -> Report:
    """Assemble the ministry report of `programs` for [period_start, period_end] on `as_of`.

    Args:
        con: the store.
        programs: program ids (at least one; the order is the order in the report).
        period_start, period_end: the reporting period (dates or "DD.MM.YYYY"/ISO text);
            counts stop at min(period_end, as_of).
        as_of: the data date: targets are evaluated and the in-program count taken then.
        lang: "de" (default) or "en" — headings, labels, number format and method text.
        threshold: counts 1 … threshold-1 are suppressed when publishing (default 3).
        publication: True (default) applies suppression; False gives an internal,
            unsuppressed report marked "intern / nicht zur Veröffentlichung".
        created: the day the report is made, printed on the PDF's cover ("Erstellt am") and in
            its metadata; defaults to today. It is not part of the content: the fingerprint and
            the as-of date define that, and the CSV and XLSX leave it out (byte-identical on
            every rebuild; see `report.files`).
        force: cells hidden in any case (the ministry's publication, `pipelines.access.publication`:
            the report then hides what the pages hide).

    Returns:
        A `Report`; its tables in order: targets, progress, entry_gender, entry_age_band,
        entry_isced, entry_german, [entry_origin], leaving, sites.

    Raises:
        ReportError: no or unknown programs, a period ending before it starts or starting
            after as_of, a threshold below 1 (message in `lang`).
    """
    text.check_lang(lang)
    programs = tuple(dict.fromkeys(programs or ()))
    if not programs:
        raise ReportError(text.say("report.e_no_programs", lang))
    start, stop, as_of = (_date(period_start, "period_start", lang), _date(period_end, "period_end", lang),
                          _date(as_of, "as_of", lang))
    if stop < start:
        raise ReportError(text.say("report.e_period", lang, start=text.date(start, lang),
                                   end=text.date(stop, lang)))
    if start > as_of:
        raise ReportError(text.say("report.e_after_as_of", lang, start=text.date(start, lang),
                                   as_of=text.date(as_of, lang)))
    if int(threshold) < 1:
        raise ReportError(text.say("report.e_threshold", lang, threshold=threshold))
    threshold = int(threshold)
    info = program_info(con, programs)
    unknown = [p for p in programs if p not in info]
    if unknown:
        raise ReportError(text.say("report.e_unknown_program", lang, programs=", ".join(unknown)))
    created_day = dt.date.today() if created is None else _date(created, "created", lang)

    with collector_paused():
        drafted = draft(con, programs, info, start, stop, as_of, lang)
        ctx, cells, drafts = drafted.ctx, drafted.cells, drafted.drafts

        result = None
        hidden: frozenset = frozenset()
        if publication:
            result = suppression.suppress_cells(cells.values, cells.relations, threshold, bounds=cells.bounds,
                                                keep=cells.keep, force=[c for c in force if c in cells.values])
            hidden = result.suppressed
        tables = tuple(render_table(d, cells.values, hidden, lang) for d in drafts)
        charts = tuple(sections.progress_chart(item, hidden, publication) for item in drafted.progress)

    report = Report(
        programs=programs, period_start=start, period_end=stop, as_of=as_of, created=created_day,
        lang=lang, threshold=threshold, publication=publication, title=text.say("report.title", lang),
        marking=text.say("report.public" if publication else "report.internal", lang),
        fingerprint=fingerprint(con, programs),
        cover=pd.DataFrame(), tables=tables, charts=charts,
        method=tuple(_method(ctx, threshold, publication)), suppression=result,
    )
    return _with_cover(report, ctx)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off for a while (on again after, if it was on).

    A report at 1 M participants allocates some 150,000 small objects that live until it is
    built (cell names, relations, bounds, the rows of the sites table): each time they grow by a
    quarter of the heap the collector scans everything, three full scans of ≈ 0.1 s each. They
    hold no reference cycles (reference counting frees them); anything cyclic made meanwhile is
    collected at the next scan after."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


@dataclasses.dataclass(frozen=True)
class Drafted:
    """The report's tables before suppression: every count a named cell (`cells`, with the
    relations and inequalities between them), the drafts that render them, the progress items
    that chart them, and the target cards they were drawn from."""
    ctx: Context
    cells: Cells
    drafts: tuple[Draft, ...]
    progress: tuple
    cards: tuple[dict, ...]


def draft(con: duckdb.DuckDBPyConnection, programs: Sequence[str], info: dict[str, dict[str, Any]],
          start: dt.date, stop: dt.date, as_of: dt.date, lang: str = "de") -> Drafted:
    """Count every table of the report of `programs` (checked, with their `program_info`) for
    [start, stop] on `as_of`, unsuppressed: the cells a publication is decided over (here, and
    for the ministry's pages in `pipelines.access.publication`)."""
    ctx = Context(con, programs, info, start, min(stop, as_of), as_of, lang, _status_labels(con, programs, lang))
    cells = Cells()
    drafts: list[Draft] = []
    cards = [card for p in programs for card in targets.evaluate(con, p, as_of)]
    drafts.append(sections.targets_draft(ctx, cells, cards))
    progress_draft, progress = sections.progress_draft(ctx, cells, cards)
    drafts.append(progress_draft)
    drafts.extend(sections.entry_drafts(ctx, cells))
    drafts.append(sections.leaving_draft(ctx, cells))
    drafts.append(sections.sites_draft(ctx, cells))
    return Drafted(ctx, cells, tuple(drafts), tuple(progress), tuple(cards))


# --- reading the store --------------------------------------------------------------------

def program_info(con, programs: Sequence[str]) -> dict[str, dict[str, Any]]:
    cursor = db.run(con, db.sql("report_programs"), {"programs": list(programs)})
    names = [c[0] for c in cursor.description]
    return {row[0]: dict(zip(names, row)) for row in cursor.fetchall()}


def _status_labels(con, programs: Sequence[str], lang: str) -> dict[str, str]:
    rows = db.run(con, db.sql("report_status_labels"), {"programs": list(programs)}).fetchall()
    labels: dict[str, str] = {}
    for _, status, de, en in rows:  # a program's own label wins over the built-in one
        labels[status] = (de if lang == "de" else en) or de or en or status
    return labels


# (table, columns, filter): what a report is built from
_FINGERPRINT_TABLES = (
    ("program", "program_id, name, organisation, region, funder, start_date, end_date, special_categories",
     "list_contains($programs, program_id)"),
    ("status_vocabulary", "program_id, status, category, label_de, label_en",
     "program_id = '*' or list_contains($programs, program_id)"),
    ("participant", "program_id, participant_id, site, cohort, entry_date, exit_date, exit_reason, gender, "
                    "birth_year, origin_region, qualification_level, german_level, coach_id, mentor_id",
     "list_contains($programs, program_id)"),
    ("episode", "program_id, participant_id, status, start_date, end_date",
     "list_contains($programs, program_id)"),
    ("target", "target_id, valid_from, program_id, funder, label, measure, status, direction, value, "
               "period_start, period_end, scope_json, milestones_json, options_json",
     "list_contains($programs, program_id)"),
)


def fingerprint(con: duckdb.DuckDBPyConnection, programs: Iterable[str]) -> str:
    """SHA-256 (hex) of every row a report on `programs` is built from; on a shared store (DuckLake)
    followed by `@snapshot-<id>`, the snapshot read, from which the report can be rebuilt
    (`db.reading(store, snapshot=id)`).

    The rows of `program`, `status_vocabulary` (built-in and the programs' own),
    `participant`, `episode` and `target` (all revisions) of the programs, without load ids.
    Each table is summed up in the store, in any order: the number of rows and the sums of two
    64-bit hashes of each row (DuckDB's `hash` over the columns, once in order and once in
    reverse order: a multiset hash, the same rows give the same sums however they are stored or
    scanned); the fingerprint is the SHA-256 over the table names and those sums. The order of
    `programs` does not matter: the same data gives the same fingerprint, whatever was loaded when.

    Why `hash` and not a cryptographic digest per row: the fingerprint identifies the data a
    report was built from (it is no signature), and over 4 M episodes `hash` takes about a
    tenth of the time of `md5` over each row as text (≈ 1 s instead of ≈ 8 s at 1 M
    participants). Its values belong to the pinned DuckDB line (1.5): a report rebuilt with
    another DuckDB release may carry another fingerprint for the same data.
    """
    digest = hashlib.sha256(b"wirkungsmonitor-report-v4\n")
    params = {"programs": sorted(set(programs))}
    for name, columns, where in _FINGERPRINT_TABLES:  # fixed identifiers, no user input
        reverse = ", ".join(reversed([c.strip() for c in columns.split(",")]))
        rows, forward_sum, backward_sum = con.execute(
            f"select count(*), coalesce(sum(hash({columns})), 0), coalesce(sum(hash({reverse})), 0) "
            f"from {name} where {where}", params).fetchone()
        digest.update(f"#{name} {rows} {forward_sum} {backward_sum}\n".encode())
    snapshot = db.lake_snapshot(con)
    return digest.hexdigest() + ("" if snapshot is None else f"@snapshot-{snapshot}")


# --- cover and method -----------------------------------------------------------------------

def _with_cover(report: Report, ctx: Context) -> Report:
    lang = report.lang
    infos = [ctx.info[p] for p in report.programs]

    def joined(values: Iterable[Any]) -> str:
        return "; ".join(dict.fromkeys(str(v) for v in values if v))

    def say(key: str) -> str:
        return text.say(key, lang)

    funders: list[str] = []
    for info in infos:
        funders += [f.strip() for f in str(info["funder"] or "").split(";") if f.strip()]
    rows = [
        ("programs", say("field.program"), joined(i["name"] or i["program_id"] for i in infos)),
        ("organisation", say("report.organisation"), joined(i["organisation"] for i in infos) or "–"),
        ("region", say("report.region"), joined(i["region"] for i in infos) or "–"),
        ("funders", say("report.funders"), joined(funders) or "–"),
        ("program_period", say("report.program_period"),
         joined(f"{text.date(i['start_date'], lang)}–{text.date(i['end_date'], lang)}" for i in infos)),
        ("period", say("report.period"),  # counted up to the as-of date at most
         f"{text.date(report.period_start, lang)}–{text.date(min(report.period_end, report.as_of), lang)}"),
        ("as_of", say("report.as_of"), text.date(report.as_of, lang)),
        ("created", say("report.created"), text.date(report.created, lang)),
        ("status", say("report.status"), report.marking),
        ("suppression", say("report.suppression"), rule_text(report.threshold, report.publication, lang)),
        ("fingerprint", say("report.fingerprint"), report.fingerprint),
    ]
    cover = pd.DataFrame(rows, columns=["field", "label", "value"])
    return dataclasses.replace(report, cover=cover)


def rule_text(threshold: int, publication: bool, lang: str) -> str:
    """The suppression rule in one sentence (cover, notes, method)."""
    if not publication:
        return text.say("report.rule_internal", lang, rule=rule_text(threshold, True, lang))
    if threshold <= 1:
        return text.say("report.rule_none", lang)
    if threshold == 2:
        return text.say("report.rule_public_one", lang)
    return text.say("report.rule_public", lang, max=threshold - 1)


_METHOD_PARTS = ("period", "counts", "leaving", "targets", "suppression")  # paragraphs, in order


def _method(ctx: Context, threshold: int, publication: bool) -> list[tuple[str, str]]:
    measured = backtest.MEASURED
    values = {"start": ctx.day(ctx.start), "end": ctx.day(ctx.end), "as_of": ctx.day(ctx.as_of),
              "rule": rule_text(threshold, publication, ctx.lang),
              "window": text.number(targets.FORECAST_WINDOW_MONTHS, ctx.lang),
              # the forecast's calibration in hindsight (targets.backtest)
              "demo_n": text.number(measured["demo_series"], ctx.lang),
              "esf_n": text.number(measured["esf_series"], ctx.lang),
              **{key: text.percent(measured[name], ctx.lang) for key, name in (
                  ("demo_gp", "demo_gamma_poisson"), ("demo_p", "demo_poisson"), ("esf_gp", "esf_gamma_poisson"),
                  ("esf_p", "esf_poisson"), ("esf_below", "esf_below"))}}
    return [(ctx.say(f"report.method.{part}"), ctx.say(f"report.method.{part}_text", **values))
            for part in _METHOD_PARTS]
