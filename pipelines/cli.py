"""The `outcomes` command: parses arguments and calls the modules that do the work.

Every command takes --db PATH (default $OUTCOMES_DB or data/outcomes.duckdb; a shared store as its
DuckLake connection string, with --data-path or $OUTCOMES_DATA_PATH for its Parquet files), --lang de|en
(default $OUTCOMES_LANG or de) and --user NAME: the account the command acts as, seeing and changing what
she may (default: the local admin, so scripts keep working). `outcomes user …` manages the accounts
(pipelines/access/cli_user.py). Exit status: 0 ok, 1 usage or unexpected error, 2 data refused.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import subprocess
import time

from pipelines import access, dates, demo, indicators, ingest, metrics, targets, text
from pipelines.access import audit, cli_user, publication, publish
from pipelines.ingest import programs
from pipelines.metrics import ProblemError, panels
from pipelines.store import catalog, copy, db, retention
from pipelines.text import say
from pipelines.text.ingest import load_details, load_summary, located_message, problem_record
from pipelines.text.metrics import p_value, points, problem_texts
from pipelines.text.targets import forecast_sentence, value_text

EXIT_OK, EXIT_ERROR, EXIT_REFUSED = 0, 1, 2


def _lang_default() -> str:
    lang = os.environ.get("OUTCOMES_LANG", "de")
    return lang if lang in text.LANGS else "de"


def _date(value: str) -> dt.date:
    try:
        return dates.parse_date(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


@contextmanager
def _writing(args) -> Iterator:
    """The store for a change: one writer at a time; a second one waits, saying so."""
    with db.writing(args.db, on_wait=lambda: print(say("store.busy", args.lang), file=sys.stderr)) as con:
        yield con


def _person(con, args) -> access.Person:
    """Who is acting: the account --user names (AccessError if there is none), else the local admin."""
    return cli_user.acting_person(con, args)


def _count(value: int | None, lang: str) -> str:
    """A count as shown: None is a count hidden for publication (`*`)."""
    return publish.SUPPRESSED if value is None else text.number(value, lang)


def _print_json(value) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2, default=_json_default))


def _json_default(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    raise TypeError(f"not JSON-serialisable: {type(value).__name__}")


@contextmanager
def _store(args) -> Iterator:
    """The store for a question: read-only (so a running dashboard is no obstacle), showing the acting
    person her programs only (`access.shadow`; `args.person` is she); a lake as of --snapshot if given."""
    snapshot = getattr(args, "snapshot", None)
    if snapshot is not None and not db.is_lake(args.db):
        raise _Refused(say("cli.snapshot_needs_lake", args.lang))
    con = db.connect(args.db, read_only=db.is_lake(args.db) or db.resolve_path(args.db).exists(), snapshot=snapshot)
    try:
        args.person = _person(con, args)
        access.shadow(con, args.person)
        yield con
    finally:
        con.close()


def _audit(args, action: str, program_id: str | None = None, **detail) -> None:
    """One audit entry for a command that only read (a report written): its own short write."""
    with _writing(args) as con:
        audit.record(con, args.person, action, program_id, **detail)


# --------------------------------------------------------------------------- commands

def cmd_init(args) -> int:
    with _writing(args) as con:
        version = db.schema_version(con)
    print(say("cli.init_done", args.lang, path=db.describe(args.db), version=version))
    return EXIT_OK


def cmd_ingest(args) -> int:
    with _writing(args) as con:
        person = _person(con, args)
        if args.program:
            access.ensure_may_change(person, args.program)
        results = ingest.ingest_files(
            con, args.files, db_path=db.resolve_path(args.db), lenient=args.lenient,
            mapping=Path(args.mapping) if args.mapping else None, program=args.program, lang=args.lang,
            **({"loaded_by": person.name} if args.user else {}),
        )
        # a file naming a program she may not change is refused, and with it the whole command:
        # db.writing throws the changed copy away
        for r in results:
            for program in r.programs:
                access.ensure_may_change(person, program)
            if r.outcome == "loaded":      # the log records changes; a refusal changes nothing
                audit.record(con, person, "load", r.programs[0] if len(r.programs) == 1 else None, file=r.file,
                             kind=r.kind, outcome=r.outcome, rows_loaded=r.rows_loaded,
                             rows_rejected=r.rows_rejected, programs=r.programs)
    if args.json:
        _print_json([{
            "file": r.file, "kind": r.kind, "outcome": r.outcome, "programs": r.programs,
            "rows_read": r.rows_read, "rows_loaded": r.rows_loaded, "rows_rejected": r.rows_rejected,
            "load_id": r.load_id, "rejects": str(r.rejects_path) if r.rejects_path else None,
            "problems": [problem_record(p, args.lang) for p in r.problems], **r.details,
        } for r in results])
    else:
        for r in results:
            print(load_summary(r, args.lang))
            for line in load_details(r, args.lang):
                print(f"  {line}")
            shown = r.problems[: args.max_errors] if args.max_errors else r.problems
            for p in shown:
                print(f"  - {located_message(p, args.lang)}", file=sys.stderr if r.outcome == "failed" else sys.stdout)
            if len(shown) < len(r.problems):
                print("  " + say("cli.more_problems", args.lang, n=len(r.problems) - len(shown)), file=sys.stderr)
            if r.outcome == "failed":       # --lenient keeps the good rows of a table, not of a program file
                footer = "cli.nothing_stored_program" if r.kind == "program" else "cli.nothing_stored"
                print("  " + say(footer, args.lang), file=sys.stderr)
            if r.rejects_path:
                print("  " + say("cli.rejects_file", args.lang, path=r.rejects_path))
            for note in r.notes:
                print("  " + text.say(f"ingest.note.{note}", args.lang))
    return EXIT_OK if all(r.ok for r in results) else EXIT_REFUSED


def cmd_demo(args) -> int:
    path = db.resolve_path(args.db)
    if db.is_lake(path):
        print(say("cli.demo_on_lake", args.lang), file=sys.stderr)
        return EXIT_REFUSED
    if path.exists() and not args.force:
        print(say("cli.demo_exists", args.lang, path=path))
        return EXIT_OK
    results = demo.build(path, force=args.force, lang=args.lang)
    failed = [r for r in results if not r.ok]
    for r in failed:
        for p in r.problems:
            print(located_message(p, args.lang), file=sys.stderr)
    if failed:
        return EXIT_REFUSED
    print(say("cli.demo_built", args.lang, path=path, n=len(results)))
    return EXIT_OK


def cmd_programs(args) -> int:
    with _store(args) as con:
        rows = catalog.program_sizes(con)
    if args.json:
        _print_json([{"program": r[0], "name": r[1], "start": r[2], "end": r[3], "participants": r[4]}
                     for r in rows])
        return EXIT_OK
    for pid, name, start, end, n in rows:
        print(f"{pid:40} {name:40} {text.date(start, args.lang)}–{text.date(end, args.lang)}  "
              f"{text.number(n, args.lang)}")
    return EXIT_OK


def cmd_export_program(args) -> int:
    with _store(args) as con:
        try:
            toml_text = programs.program_to_toml(con, args.program)
        except KeyError:
            print(say("cli.unknown_program", args.lang, program=args.program), file=sys.stderr)
            return EXIT_REFUSED
    if args.out:
        Path(args.out).write_text(toml_text, encoding="utf-8")
    else:
        print(toml_text, end="")
    return EXIT_OK


def cmd_store_copy(args) -> int:
    try:
        rows = copy.copy_store(args.db, args.to, target_data_path=args.to_data_path)
    except copy.CopyRefused as refused:
        print(say(f"copy.{refused.code}", args.lang, **refused.values), file=sys.stderr)
        return EXIT_REFUSED
    print(say("cli.store_copied", args.lang, source=db.describe(args.db), target=db.describe(args.to),
              tables=len(rows), rows=text.number(sum(rows.values()), args.lang)))
    return EXIT_OK


def cmd_delete(args) -> int:
    with _writing(args) as con:
        person, store = _person(con, args), db.resolve_path(args.db)
        if args.participant:
            n = retention.delete_participants(con, args.program, args.participant, actor=person, store=store)
        else:
            n = retention.delete_before(con, args.program, args.exited_before, actor=person, store=store)
    print(say("cli.deleted", args.lang, participants=n["participants"], episodes=n["episodes"]))
    return EXIT_OK


def _program_ids(con, requested: list[str], lang: str = "de") -> list[str]:
    known = catalog.program_ids(con)
    if not requested or requested == ["all"]:
        return known
    unknown = [p for p in requested if p not in known]
    if unknown:
        raise _Refused(say("cli.unknown_programs", lang, unknown=", ".join(unknown), known=", ".join(known) or "–"))
    return requested


class _Refused(Exception):
    """Input that names things the store does not have: exit status 2 with a sentence."""


def _table(rows: list[list[str]], header: list[str]) -> str:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    line = lambda r: "  ".join(str(x).rjust(w) if i else str(x).ljust(w) for i, (x, w) in enumerate(zip(r, widths)))  # noqa: E731
    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


def cmd_status(args) -> int:
    with _store(args) as con:
        program = _program_ids(con, [args.program], args.lang)[0]
        # the ministry: the figures of her pages for this program on this date (one publication)
        held = publication.of(con, args.person, [program], args.as_of)
        result = publish.summary(args.person, metrics.status_summary(con, program, args.as_of), held)
        vocabulary = catalog.statuses(con, [program])
    column = "label_de" if args.lang == "de" else "label_en"
    labels = dict(zip(vocabulary["status"], vocabulary[column]))
    if args.json:
        _print_json(result)
        return EXIT_OK
    print(f"{result['program']} – {say('cli.as_of', args.lang)} {text.date(result['as_of'], args.lang)}")
    print(f"  {say('cli.entered', args.lang)}: {_count(result['entered'], args.lang)}")
    print(f"  {say('cli.in_program', args.lang)}: {_count(result['in_program'], args.lang)}")
    rows = [[labels.get(s, s), _count(result["active"][s], args.lang), _count(result["reached"][s], args.lang)]
            for s in result["active"]]
    print(_table(rows, [say("cli.status", args.lang), say("cli.active_on_date", args.lang),
                        say("cli.reached_since_start", args.lang)]))
    return EXIT_OK


def cmd_targets(args) -> int:
    with _store(args) as con:
        program = _program_ids(con, [args.program], args.lang)[0]
        cards = targets.evaluate(con, program, args.as_of)
        held = publication.of(con, args.person, [program], args.as_of)   # the ministry: as her overview shows them
        if held is not None:
            cards = [publish.card(args.person, c, held.target_hidden(program, c["id"])) for c in cards]
    keys = ["id", "label", "measure", "status", "direction", "achieved", "target", "attainment", "state",
            "expected", "forecast", "forecast_window_months", "needed_per_month", "probability",
            "period_start", "period_end", "valid_from"]
    if args.json:
        _print_json([{k: c.get(k) for k in keys} for c in cards])
        return EXIT_OK
    if not cards:
        print(say("cli.no_targets", args.lang))
    for c in cards:
        if c.get("suppressed"):   # the ministry: a hidden count and what is computed from it
            hidden = publish.SUPPRESSED
            print(f"{c['label']} [{hidden}]")
            print(f"  {hidden} / {value_text(c, c['target'], args.lang)} = {hidden}")
            print(f"  {say('report.forecast_hidden', args.lang)}")
            continue
        print(f"{c['label']} [{text.say('state.' + c['state'], args.lang)}]")
        print(f"  {value_text(c, c['achieved'], args.lang)} / {value_text(c, c['target'], args.lang)}"
              f" = {text.percent(c['attainment'], args.lang)}")
        print(f"  {forecast_sentence(c, args.lang)}")
    return EXIT_OK


def cmd_compare(args) -> int:
    if not args.by and not args.group:
        print(say("cli.compare_needs", args.lang), file=sys.stderr)
        return EXIT_ERROR
    with _store(args) as con:
        try:
            programs = _program_ids(con, args.program or ["all"], args.lang)
            result = panels.comparison(con, programs, args.status, args.as_of, by=args.by, groups=args.group or None)
            # the ministry: as the page of these programs on this date shows it (one publication)
            held = publication.of(con, args.person, programs, args.as_of)
            result = publish.comparison(args.person, result, None if args.group else args.by, args.status, held)
        except ProblemError as exc:
            raise _Refused("\n".join(problem_texts(exc.problems, args.lang))) from None
        except ValueError as exc:
            raise _Refused(str(exc)) from None
    groups = result["groups"]
    if args.json:
        _print_json(groups)
        return EXIT_OK
    lang = args.lang

    def shown(g: dict, key: str, form) -> str:
        return publish.SUPPRESSED if key in g.get("hidden", ()) else form(g[key])

    def difference(g: dict) -> str:
        if "diff" in g.get("hidden", ()):
            return publish.SUPPRESSED
        if g["versus"] is None and result["versus"] == "first":
            return say("metrics.compare.reference", lang)
        if g["diff"] is None:
            return say("metrics.compare.reference_small", lang) if g["reference_small"] else "–"
        return f"{points(g['diff'], lang)} ({points(g['diff_low'], lang)} … {points(g['diff_high'], lang)})"

    small = say("cli.too_small", lang)
    rows = [[str(g["group"]), _count(g["n"], lang), _count(g["reached"], lang),
             shown(g, "share", lambda v: text.percent(v, lang, 1)),
             shown(g, "ci_low", lambda v: f"{text.percent(v, lang, 1)} – {text.percent(g['ci_high'], lang, 1)}"),
             difference(g), shown(g, "p_exact", lambda v: p_value(v, lang)),
             shown(g, "adjusted", lambda v: text.percent(v, lang, 1)),
             shown(g, "small", lambda v: small if v else "")] for g in groups]
    print(_table(rows, [say("cli.group", lang), "n", say("cli.reached", lang), say("cli.share", lang), "95 %",
                        say("metrics.compare.diff", lang), "p", say("metrics.compare.adjusted", lang), ""]))
    print()
    if result["versus"]:
        print(say(f"metrics.compare.method.{result['versus']}", lang, first=groups[0]["group"]))
    fields = result["adjusted_by"]
    print(say("metrics.compare.method.adjusted", lang,
              fields=say("metrics.compare.and", lang).join(say(f"field.{f}", lang) for f in fields)) if fields
          else say("metrics.compare.method.not_adjusted", lang))
    curves = [g for g in groups if g["time_to"]]
    if curves:
        months = curves[0]["time_to"]["at_risk"]["months"]
        print(say("metrics.compare.at_risk_months", lang, months=" / ".join(map(str, months))) + ":")
        for g in curves:
            print(f"  {g['group']}: " + " · ".join(_count(n, lang) for n in g["time_to"]["at_risk"]["n"]))
    return EXIT_OK


def cmd_indicators(args) -> int:
    with _store(args) as con:
        rows = indicators.indicator_table(con, programme=args.program, indicator=args.indicator, year=args.year,
                                          fund=args.fund, indicator_type=args.indicator_type,
                                          level=args.level)
    keys = ["programme", "title", "fund", "indicator", "indicator_type", "breakdown", "year", "target",
            "achieved", "attainment", "flag"]
    if args.json:
        _print_json([{k: r.get(k) for k in keys} for r in rows])
        return EXIT_OK
    if not rows:
        print(say("cli.no_indicators", args.lang))
        return EXIT_OK
    table = [[r["programme"], r["indicator"], r["indicator_type"],
              ", ".join(f"{v}" for v in r["breakdown"].values()) or "–", str(r["year"]),
              text.number(r["achieved"], args.lang), text.number(r["target"], args.lang),
              text.percent(r["attainment"], args.lang), text.indicators.flag_label(r["flag"], args.lang)]
             for r in rows]
    print(_table(table, [say(f"cli.indicators.{k}", args.lang) for k in
                         ("programme", "indicator", "type", "breakdown", "year", "achieved", "target")]
                 + ["%", say("cli.indicators.flag", args.lang)]))
    return EXIT_OK


def cmd_report(args) -> int:
    from pipelines import report   # on use only: its PDF and chart libraries take most of a second to import

    started = time.perf_counter()
    with _store(args) as con:
        try:
            programs = _program_ids(con, args.program, args.lang)
            publication = not args.internal or access.publication_only(args.person)
            path = report.write_report(con, programs, args.period_from, args.period_to, args.as_of, args.format,
                                       args.out, lang=args.lang,
                                       threshold=max(args.threshold, publish.THRESHOLD) if access.publication_only(
                                           args.person) else args.threshold,
                                       publication=publication)
        except ValueError as exc:   # ReportError: a period or format a person chose
            raise _Refused(str(exc)) from None
    _audit(args, "report_download", programs[0] if len(programs) == 1 else None, programs=programs,
           format=args.format, publication=publication, file=Path(path).name)
    print(say("cli.report_written", args.lang, path=path, seconds=f"{time.perf_counter() - started:.1f}"))
    return EXIT_OK


# --------------------------------------------------------------------------- parser

def _bench(argv: list[str]) -> int:
    """`outcomes bench …`: runs `python -m bench.run …` in the source checkout (bench/ is not part of
    the package, and pipelines never imports it)."""
    root = Path(__file__).resolve().parents[1]
    if not (root / "bench" / "run.py").exists():
        print("The benchmark lives in bench/ of a source checkout; it is not part of an installed package.",
              file=sys.stderr)
        return EXIT_ERROR

    return subprocess.call([sys.executable, "-m", "bench.run", *argv], cwd=root)


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False, parents=[cli_user.acting_user_arguments()])
    common.add_argument("--db", help="DuckDB file, or a shared store's DuckLake connection string "
                                     "'ducklake:postgres:dbname=… host=… port=… user=…' "
                                     "(default: $OUTCOMES_DB or data/outcomes.duckdb)")
    common.add_argument("--data-path", help="folder of a DuckLake's Parquet files, needed when the lake is "
                                            "created (default: $OUTCOMES_DATA_PATH)")
    common.add_argument("--lang", choices=text.LANGS, default=_lang_default(),
                        help="language of messages (default: $OUTCOMES_LANG or de)")

    one_program_on_a_day = argparse.ArgumentParser(add_help=False)
    one_program_on_a_day.add_argument("--program", required=True)
    one_program_on_a_day.add_argument("--as-of", type=_date, required=True, help="YYYY-MM-DD or DD.MM.YYYY")
    one_program_on_a_day.add_argument("--json", action="store_true")

    parser = argparse.ArgumentParser(
        prog="outcomes",
        description="Wirkungsmonitor: Teilnehmenden-Verläufe laden, Ziele und Kennzahlen auswerten.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("init", parents=[common], help="create or migrate the store",
                       epilog="example: outcomes init --db data/outcomes.duckdb")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser(
        "ingest", parents=[common], help="load program files (TOML) and data files (CSV, XLSX, Parquet)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n"
               "  outcomes ingest data/demo/sozialwirtschaft-integriert.toml\n"
               "  outcomes ingest tracking.xlsx#Teilnehmerinnen --program sozialwirtschaft-integriert\n"
               "  outcomes ingest teilnehmende.csv episoden.csv --lenient\n"
               "exit status 2: a file was refused; nothing of it was stored",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="file(s); an Excel sheet as FILE.xlsx#Sheet")
    p.add_argument("--program", help="program id for files without a 'Programm' column")
    p.add_argument("--lenient", action="store_true", help="load good rows, reject bad rows (kept and written to a rejects CSV)")
    p.add_argument("--mapping", metavar="MAP.toml", help="column/value mapping for other headers")
    p.add_argument("--json", action="store_true", help="machine-readable result")
    p.add_argument("--max-errors", type=int, default=50, help="problems to print per file (0 = all)")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("demo", parents=[common], help="build the demo store from data/demo/",
                       epilog="example: outcomes demo --db data/outcomes.duckdb --force")
    p.add_argument("--force", action="store_true", help="rebuild even if the store exists")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("programs", parents=[common], help="list the programs in the store",
                       epilog="example: outcomes programs --json")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_programs)

    p = sub.add_parser("export-program", parents=[common], help="write a program's TOML file as stored",
                       epilog="example: outcomes export-program --program tara-mentoring --out tara.toml")
    p.add_argument("--program", required=True)
    p.add_argument("--out", help="file to write (default: stdout)")
    p.set_defaults(func=cmd_export_program)

    p = sub.add_parser("delete", parents=[common], help="delete participants (by id or retention date), logged",
                       epilog="examples:\n  outcomes delete --program tara-mentoring --participant HS-03\n"
                              "  outcomes delete --program tara-mentoring --exited-before 2020-01-01",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--program", required=True)
    group = p.add_mutually_exclusive_group(required=True)
    group.add_argument("--participant", action="append", help="participant id (repeatable)")
    group.add_argument("--exited-before", type=_date, help="delete everyone who left before this date")
    p.set_defaults(func=cmd_delete)

    p = sub.add_parser("status", parents=[common, one_program_on_a_day], help="headline numbers of a program on a date",
                       epilog="example: outcomes status --program sozialwirtschaft-integriert --as-of 2020-08-31 --json")
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("targets", parents=[common, one_program_on_a_day], help="target attainment, state and forecast on a date",
                       epilog="example: outcomes targets --program sozialwirtschaft-integriert --as-of 2020-08-31")
    p.set_defaults(func=cmd_targets)

    p = sub.add_parser(
        "compare", parents=[common], help="compare groups by a field or typed comparison groups (share reaching a status, time to it)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n"
               "  outcomes compare --program permenti-transfer --by site --status training --as-of 2020-12-31\n"
               "  outcomes compare --program all --status employment --as-of 2020-12-31 \\\n"
               "      --group 'Köln B1+: standort=Köln; deutschniveau>=B1' --group 'Bielefeld B1+: standort=Bielefeld; deutschniveau>=B1'")
    p.add_argument("--program", action="append", help="program id (repeatable) or 'all' (default)")
    p.add_argument("--by", help="cohort, site, program, entry_year, coach_id, mentor_id, german_level, age_band, …")
    p.add_argument("--group", "--cohort", dest="group", action="append",
                   help="a comparison group 'NAME: field=value; field>=value; …' (repeatable; --cohort: the old name)")
    p.add_argument("--status", required=True)
    p.add_argument("--as-of", type=_date, required=True)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser(
        "indicators", parents=[common], help="programme-level aggregate indicators (ESF): achieved vs target per year",
        epilog="example: outcomes indicators --program 2014DE05SFOP016 --indicator CO01 --year 2020 --json")
    p.add_argument("--program", help="programme id, e.g. the CCI 2014DE05SFOP016")
    p.add_argument("--indicator", help="indicator code, e.g. CO01")
    p.add_argument("--year", type=int)
    p.add_argument("--fund", help="ESF, YEI, …")
    p.add_argument("--indicator-type", help="OESF, RESF, RYEI, …")
    p.add_argument("--level", choices=["breakdown", "programme"], default="breakdown",
                   help="breakdown rows as reported, or summed to programme level where the indicator allows it")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_indicators)

    p = sub.add_parser(
        "report", parents=[common], help="ministry report (PDF, XLSX or CSV), small counts suppressed for publication",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="example:\n  outcomes report --program sozialwirtschaft-integriert --from 2018-01-01 --to 2020-08-31 \\\n"
               "      --as-of 2020-08-31 --format pdf --out bericht.pdf")
    p.add_argument("--program", action="append", required=True, help="program id (repeatable) or 'all'")
    p.add_argument("--from", dest="period_from", type=_date, required=True, help="period start")
    p.add_argument("--to", dest="period_to", type=_date, required=True, help="period end")
    p.add_argument("--as-of", type=_date, required=True)
    p.add_argument("--format", choices=["pdf", "xlsx", "csv"], default="pdf")
    p.add_argument("--out", required=True, help="file (or existing folder) to write")
    p.add_argument("--threshold", type=int, default=3, help="counts below this are shown as * (default 3: 1 and 2)")
    p.add_argument("--internal", action="store_true", help="no suppression; marked 'intern – nicht zur Veröffentlichung'")
    p.add_argument("--snapshot", type=int, help="a shared store (DuckLake) as it was at this snapshot: rebuilds a "
                                                "report whose fingerprint ends in @snapshot-N byte for byte")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("store", help="the store itself: copy it between an embedded file and a DuckLake")
    store_sub = p.add_subparsers(dest="store_command", required=True, metavar="STORE_COMMAND")
    p = store_sub.add_parser(
        "copy", parents=[common], help="copy the whole store (--db) into an empty store (--to)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n"
               "  outcomes store copy --db data/outcomes.duckdb \\\n"
               "      --to 'ducklake:postgres:dbname=wirkung host=db.intern user=wm' --to-data-path /srv/wm/lake\n"
               "  outcomes store copy --db 'ducklake:postgres:dbname=wirkung host=db.intern user=wm' --to kopie.duckdb")
    p.add_argument("--to", required=True, help="target: a DuckDB file or a DuckLake connection string (must be empty)")
    p.add_argument("--to-data-path", help="the target lake's data folder (default: $OUTCOMES_DATA_PATH)")
    p.set_defaults(func=cmd_store_copy)
    cli_user.add_user_parser(sub, common)

    # listed for --help; main() hands its arguments to bench/run.py before parsing
    sub.add_parser("bench", add_help=False, help="the benchmark (bench/run.py): outcomes bench --quick | --help")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["bench"]:   # the benchmark parses its own options
        return _bench(argv[1:])
    parser = build_parser()
    args = parser.parse_args(argv)
    previous = os.environ.get("OUTCOMES_DATA_PATH")
    if getattr(args, "data_path", None):      # read by db.connect wherever a lake is opened
        os.environ["OUTCOMES_DATA_PATH"] = args.data_path
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return EXIT_ERROR
    except db.StoreBusy as exc:
        lang = getattr(args, "lang", "de")
        print(say("store.busy_gave_up", lang, seconds=f"{exc.waited_s:.0f}"), say("cli.write_wait_hint", lang),
              file=sys.stderr)
        return EXIT_ERROR
    except (_Refused, FileNotFoundError) as exc:
        print(say("cli.refused", getattr(args, "lang", "de"), detail=exc), file=sys.stderr)
        return EXIT_REFUSED
    except access.AccessError as refusal:   # --user names no account, or she may not do this
        lang = getattr(args, "lang", "de")
        print(say("access.refused", lang, reason=say(refusal.code, lang, **refusal.params)), file=sys.stderr)
        return EXIT_REFUSED
    except Exception as exc:  # a person reads this, not a traceback
        if os.environ.get("OUTCOMES_DEBUG"):
            raise
        print(say("cli.error", getattr(args, "lang", "de"), detail=exc), file=sys.stderr)
        return EXIT_ERROR
    finally:
        if getattr(args, "data_path", None):
            if previous is None:
                os.environ.pop("OUTCOMES_DATA_PATH", None)
            else:
                os.environ["OUTCOMES_DATA_PATH"] = previous


if __name__ == "__main__":
    sys.exit(main())
