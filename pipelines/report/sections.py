"""The sections of the report as table drafts, and what each counts:

- targets: `targets.evaluate` on as_of (the revision in force that day), the sentence of
  `text.targets.forecast_sentence`.
- progress: the cumulative series of every entered/reached target (`panels.target_progress`)
  at half-year ends and on the evaluation date; its chart data.
- characteristics at entry: `metrics.entered` of the period per gender, age band, ISCED
  group (0–2, 3–4, 5–8), German level and — where recorded and allowed — origin region.
- results: `metrics.upon_leaving` / `metrics.six_months_after` per outcome status for the
  leavers of the period whose observation window is complete on as_of (28 days / 6 months).
- sites and cohorts: entered, in the program (at the period end) and started (training,
  employment) per program, site and cohort, with subtotals (`sql/report_sites.sql`).

The period is [period_start, min(period_end, as_of)]. Each draft function adds the cells it
shows to `cells`, with their additive relations (breakdowns, site → cohorts, half-year →
running total), and returns a `Draft` in the report's language.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from pipelines import dates, metrics, text, vocab
from pipelines.metrics import Scope, panels
from pipelines.text.targets import forecast_sentence, value_text
from pipelines.report.drafts import Cells, Context, Count, Draft, Label, cell_key, cell_keys, share_label
from pipelines.report.model import Chart
from pipelines.store import db

PROGRESS_MONTHS = (6, 12)  # the progress table shows half-year ends (quarters hide too much)
OUTCOME_COLUMNS = ("training", "employment")  # reached-columns of the sites/cohorts table
_LEVELS = {0: 3, 1: 2, 3: 1, 7: 0}  # grouping() of report_sites.sql -> how many of program, site, cohort


# --- targets ------------------------------------------------------------------------------

def target_cells(ctx: Context, cells: Cells, card: dict) -> tuple[tuple, ...]:
    """The cells behind a target's achieved value (share: numerator and denominator)."""
    start = dt.date.fromisoformat(card["period_start"])
    at = min(ctx.as_of, dt.date.fromisoformat(card["period_end"]))
    programs, where, measure, status = (card["program"],), card.get("scope") or {}, card["measure"], card["status"]
    if card["achieved"] is None:
        return ()
    if measure == "share":
        rate = metrics.share_reached(ctx.con, Scope(programs, where), card["statuses"], start, at)
        k = cells.add(cell_key("share_reached", status, programs, where, start, at), rate.k)
        n = cells.add(cell_key("entered", None, programs, where, start, at), rate.n)
        return (k, n)
    if measure == "active":
        return (cells.add(cell_key("active", status, programs, where, None, at), card["achieved"]),)
    return (cells.add(cell_key(measure, status, programs, where, start, at), card["achieved"]),)


def targets_draft(ctx: Context, cells: Cells, cards: list[dict]) -> Draft:
    many = len(ctx.programs) > 1
    columns = ctx.words(*(["field.program"] if many else []), "report.target", "report.target_period",
                        "report.achieved", "report.target_value", "report.attainment", "report.state",
                        "report.forecast")
    title = ctx.say("report.section.targets")
    draft = Draft("targets", "targets", title, title, columns,
                  note=(ctx.say("report.n_targets", as_of=ctx.day(ctx.as_of)) if cards
                        else ctx.say("report.n_targets_none")),
                   align=(("L",) if many else ()) + ("L", "L", "R", "R", "R", "L", "L"),
                   widths=((1.7,) if many else ()) + (3.1, 1.5, 1.25, 1.25, 1.85, 1.05, 2.6),
                   group_columns=1 if many else 0, span_column=0 if many else None,
                   label_columns=2 if many else 1)
    for card in cards:
        depends = target_cells(ctx, cells, card)
        achieved = (Count(depends[0]) if depends and card["measure"] not in ("share",)
                    else Label(value_text(card, card["achieved"], ctx.lang), depends))
        direction = "≥ " if card["direction"] == "at_least" else "≤ "
        sentence = forecast_sentence(card, ctx.lang)
        row: list[Count | Label] = ([Label(ctx.program_name(card["program"]))] if many else []) + [
            Label(card["label"]),
            Label(f"{ctx.day(card['period_start'])} – {ctx.day(card['period_end'])}"),
            achieved,
            Label(direction + value_text(card, card["target"], ctx.lang)),
            Label(text.percent(card["attainment"], ctx.lang), depends),
            Label(ctx.say(f"state.{card['state']}"), depends),
            Label(sentence, depends, instead=ctx.say("report.forecast_hidden")),
        ]
        draft.add({"program": card["program"], "target_id": card["id"], "label": card["label"],
                   "measure": card["measure"], "status": card["status"], "direction": card["direction"],
                   "achieved": card["achieved"], "target": card["target"],
                   "attainment": card["attainment"], "state": card["state"],
                   "forecast": card["forecast"], "needed_per_month": card["needed_per_month"],
                   "probability": card["probability"], "period_start": card["period_start"],
                   "period_end": card["period_end"], "valid_from": card["valid_from"],
                   "forecast_sentence": sentence}, row)
    return draft


# --- progress -----------------------------------------------------------------------------

def _month_end(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return pd.Timestamp(value).date()


def _period_rows(series: pd.DataFrame) -> list[tuple[dt.date, int]]:
    """(date, cumulative) at every half-year end (PROGRESS_MONTHS) of a monthly series, and its last row."""
    rows = []
    last = len(series) - 1
    for i, row in enumerate(series.itertuples(index=False)):
        day = _month_end(row.month_end)
        period_end = day.month in PROGRESS_MONTHS and (day + dt.timedelta(days=1)).day == 1
        if period_end or i == last:
            rows.append((day, int(row.cumulative)))
    return rows


def progress_draft(ctx: Context, cells: Cells, cards: list[dict]) -> tuple[Draft, list[dict]]:
    many = len(ctx.programs) > 1
    columns = ctx.words(*(["field.program"] if many else []), "report.target", "report.date", "report.new",
                        "report.cumulative")
    draft = Draft("progress", "progress", ctx.say("report.table.progress"), ctx.say("report.section.progress"),
                  columns,
                  align=(("L",) if many else ()) + ("L", "L", "R", "R"),
                  widths=((1.6,) if many else ()) + (3.2, 1.2, 1.4, 1.2),
                  group_columns=2 if many else 1, span_column=0 if many else None,
                  label_columns=3 if many else 2)
    items = []
    for card in cards:
        if card["measure"] not in ("entered", "reached") or card["achieved"] is None:
            continue
        progress = panels.target_progress(ctx.con, card, ctx.as_of)
        if progress["series"].empty:
            continue
        programs, where = (card["program"],), card.get("scope") or {}
        status = card["status"] if card["measure"] == "reached" else None
        start = dt.date.fromisoformat(card["period_start"])
        previous_cell, previous_value, previous_day = None, 0, None
        points = []
        for day, cumulative in _period_rows(progress["series"]):
            cum_cell = cells.add(cell_key(card["measure"], status, programs, where, start, day), cumulative)
            first = previous_day + dt.timedelta(days=1) if previous_day else start
            new_cell = cells.add(cell_key(f"{card['measure']}_new", status, programs, where, start,
                                          f"{first.isoformat()}..{day.isoformat()}"),
                                 cumulative - previous_value)
            # running total: this date = previous date + new since then
            cells.relate(cum_cell, [new_cell] if previous_cell is None else [previous_cell, new_cell])
            draft.add({"program": card["program"], "target_id": card["id"], "label": card["label"],
                       "date": day, "new": cumulative - previous_value, "cumulative": cumulative},
                      ([Label(ctx.program_name(card["program"]))] if many else [])
                      + [Label(card["label"]), Label(ctx.day(day), value=day), Count(new_cell), Count(cum_cell)])
            points.append((day, cumulative, cum_cell))
            previous_cell, previous_value, previous_day = cum_cell, cumulative, day
        achieved_cells = target_cells(ctx, cells, card)
        items.append({"card": card, "progress": progress, "points": points, "depends": achieved_cells})
    draft.note = ctx.say("report.n_progress", as_of=ctx.day(ctx.as_of)) if items else ctx.say("report.n_progress_none")
    return draft, items


def progress_chart(item: dict, hidden: frozenset, publication: bool) -> Chart:
    """Publication: the published half-year points; internal: every month of the series."""
    card, progress = item["card"], item["progress"]
    visible = not any(c in hidden for c in item["depends"])
    if publication:
        points = tuple((day, value) for day, value, cell in item["points"] if cell not in hidden)
    else:
        points = tuple((_month_end(row.month_end), int(row.cumulative))
                       for row in progress["series"].itertuples(index=False))
    return Chart(
        program=card["program"], target_id=card["id"], label=card["label"], target=float(card["target"]),
        points=points,
        target_line=tuple((p["date"], float(p["value"])) for p in progress["target_line"]),
        milestones=tuple((m["date"], float(m["value"])) for m in progress["milestones"]),
        forecast=tuple((b["date"], float(b["mid"]), float(b["low"]), float(b["high"]))
                       for b in progress["forecast_band"]) if visible else (),
    )


# --- characteristics at entry ---------------------------------------------------------------

def _breakdown(ctx: Context, cells: Cells, key: str, title: str, sheet_name: str, field: str,
               categories: list[tuple[str, dict[str, Any], tuple]], note: str = "") -> Draft:
    """One characteristic: entered in the period per category (+ not recorded) and the total.

    `categories` are (label, where, values): the cell counted is `entered` narrowed by `where`,
    summed here from one count grouped by `field` over the `values` that `where` selects (the
    same participants; one query per table instead of one per category)."""
    programs = ctx.programs
    per_value = metrics.entered(ctx.con, ctx.scope, ctx.start, ctx.end, by=field)
    total_value = sum(per_value.values())
    total = cells.add(cell_key("entered", None, programs, {}, ctx.start, ctx.end), total_value)
    draft = Draft(key, "entry", title, sheet_name,
                  ctx.words("report.category", "report.count", "report.share"),
                  note=note, align=("L", "R", "R"), widths=(3.0, 1.0, 1.0))
    parts = []
    for label, where, values in categories:
        value = sum(per_value.get(v, 0) for v in values)
        if list(where.values()) == [None] and value == 0:
            continue  # "not recorded: 0" says nothing
        cell = cells.add(cell_key("entered", None, programs, where, ctx.start, ctx.end), value)
        parts.append(cell)
        draft.add({"category": label, "where": where, "n": value,
                   "share": value / total_value if total_value else None},
                  [Label(label), Count(cell), share_label(cell, total, value, total_value, ctx.lang)])
    cells.relate(total, parts)
    draft.add({"category": None, "where": {}, "n": total_value, "share": 1.0 if total_value else None},
              [Label(ctx.say("report.total")), Count(total),
               Label(text.percent(1.0 if total_value else None, ctx.lang), (total,))], strong=True)
    return draft


def _age_band_label(ctx: Context, band: str) -> str:
    """The catalog's word for an age band ("unter 25"), else the band itself ("25–34")."""
    key = f"age_band.{band}"
    return ctx.say(key) if key in text.CATALOG else band.replace("-", "–")


def origin_regions(ctx: Context, programs: list[str]) -> list[str]:
    """The origin regions recorded for the programs' participants (any entry date), in name order."""
    recorded = metrics.entered(ctx.con, Scope(tuple(programs)), None, None, by="origin_region")
    return sorted((r for r in recorded if r is not None), key=lambda r: str(r).casefold())


def entry_drafts(ctx: Context, cells: Cells) -> list[Draft]:
    none = ctx.say("report.not_recorded")
    period = ctx.say("report.n_entry", start=ctx.day(ctx.start), end=ctx.day(ctx.end))  # no number: it may be hidden
    drafts = [
        _breakdown(ctx, cells, "entry_gender", ctx.say("field.gender"), ctx.say("field.gender"), "gender",
                   [(ctx.say(f"gender.{g}"), {"gender": g}, (g,)) for g in vocab.GENDERS]
                   + [(none, {"gender": None}, (None,))], period),
        _breakdown(ctx, cells, "entry_age_band", ctx.say("report.table.age_band"),
                   ctx.say("field.age_band"), "age_band",
                   [(_age_band_label(ctx, b), {"age_band": b}, (b,)) for b in vocab.AGE_BANDS]
                   + [(none, {"age_band": None}, (None,))]),
        _breakdown(ctx, cells, "entry_isced", ctx.say("report.table.isced"), ctx.say("report.sheet.isced"),
                   "qualification_level",
                   [(f"ISCED {low}–{high}", {"qualification_level": {">=": low, "<=": high}},
                     tuple(range(low, high + 1))) for _, low, high in vocab.ISCED_GROUPS]
                   + [(none, {"qualification_level": None}, (None,))]),
        _breakdown(ctx, cells, "entry_german", ctx.say("report.table.german"),
                   ctx.say("report.sheet.german"), "german_level",
                   [(level, {"german_level": level}, (level,)) for level in vocab.CEFR]
                   + [(none, {"german_level": None}, (None,))]),
    ]
    allowed = [p for p in ctx.programs if ctx.info[p]["special_categories"]]
    barred = [ctx.program_name(p) for p in ctx.programs if not ctx.info[p]["special_categories"]]
    regions = origin_regions(ctx, allowed) if allowed else []
    origin_note = ""
    if not allowed:
        why = ctx.say("report.n_origin_disabled", programs=", ".join(barred))
        origin_note = ctx.say("report.n_origin_off", why=why)
    elif not regions:
        origin_note = ctx.say("report.n_origin_off", why=ctx.say("report.not_recorded"))
    if regions:
        note = ctx.say("report.n_origin_partly", programs=", ".join(barred)) if barred else ""
        drafts.append(_breakdown(ctx, cells, "entry_origin", ctx.say("report.table.origin"),
                                 ctx.say("report.sheet.origin"), "origin_region",
                                 [(str(r), {"origin_region": r}, (r,)) for r in regions]
                                 + [(none, {"origin_region": None}, (None,))], note))
    elif origin_note:
        drafts[-1].note = origin_note
    return drafts


# --- results upon leaving --------------------------------------------------------------------


def leaving_draft(ctx: Context, cells: Cells) -> Draft:
    upon_end = min(ctx.end, dates.last_complete_exit(ctx.as_of, days=metrics.UPON_LEAVING_DAYS))
    six_end = min(ctx.end, dates.last_complete_exit(ctx.as_of, months=metrics.FOLLOW_UP_MONTHS))
    columns = ctx.words("report.result", "report.upon", "report.share_upon", "report.six", "report.share_six")
    draft = Draft("leaving", "leaving", ctx.say("report.section.leaving"), ctx.say("report.sheet.leaving"), columns,
                  align=("L", "R", "R", "R", "R"), widths=(2.6, 1.4, 1.0, 1.9, 1.0))
    programs, scope = ctx.programs, ctx.scope
    n_upon_value = metrics.leavers(ctx.con, scope, ctx.start, upon_end) if upon_end >= ctx.start else 0
    n_six_value = metrics.leavers(ctx.con, scope, ctx.start, six_end) if six_end >= ctx.start else 0
    n_upon = cells.add(cell_key("leavers", None, programs, {}, ctx.start, upon_end), n_upon_value)
    n_six = cells.add(cell_key("leavers", None, programs, {}, ctx.start, six_end), n_six_value)
    cells.keep += [n_upon, n_six]  # the base of the table: hidden only when nothing else protects
    draft.add({"status": None, "upon_k": n_upon_value, "upon_n": n_upon_value, "upon_share": None,
               "six_k": n_six_value, "six_n": n_six_value, "six_share": None},
              [Label(ctx.say("report.leavers_base")), Count(n_upon), Label(""), Count(n_six), Label("")], strong=True)
    vocabulary = metrics.vocabulary(ctx.con, programs)
    outcomes = [s for s, c in vocabulary.items() if c == "outcome"]
    rows: list[tuple[str, str | list[str]]] = [(ctx.labels.get(s, s), s) for s in outcomes]
    if len(outcomes) > 1:
        rows.append((ctx.say("report.any_outcome"), outcomes))
    results: list[tuple[Any, tuple, tuple]] = []
    # every result, both after leaving, in one pass (`upon_leaving` and `six_months_after`)
    counted = metrics.leaving_results_on(ctx.con, scope, [status for _, status in rows], ctx.start,
                                         [upon_end, six_end]) if rows else []
    for (label, status), ((upon_n, upon_k, _), (six_n, _, six_k)) in zip(rows, counted):
        upon = metrics.wilson(upon_k, upon_n) if upon_end >= ctx.start else metrics.wilson(0, 0)
        six = metrics.wilson(six_k, six_n) if six_end >= ctx.start else metrics.wilson(0, 0)
        k_upon = cells.add(cell_key("upon_leaving", status, programs, {}, ctx.start, upon_end), upon.k)
        k_six = cells.add(cell_key("six_months_after", status, programs, {}, ctx.start, six_end), six.k)
        cells.at_most([k_upon], [n_upon])  # results upon / six months after leaving ≤ leavers
        cells.at_most([k_six], [n_six])
        results.append((status, k_upon, k_six))
        draft.add({"status": status if isinstance(status, str) else "any", "upon_k": upon.k, "upon_n": upon.n,
                   "upon_share": upon.share, "upon_ci_low": upon.ci_low, "upon_ci_high": upon.ci_high,
                   "six_k": six.k, "six_n": six.n, "six_share": six.share,
                   "six_ci_low": six.ci_low, "six_ci_high": six.ci_high},
                  [Label(label), Count(k_upon), share_label(k_upon, n_upon, upon.k, upon.n, ctx.lang),
                   Count(k_six), share_label(k_six, n_six, six.k, six.n, ctx.lang)])
    # what else a reader knows: the leavers six months on are among those upon leaving (six_end ≤
    # upon_end), who entered in the period when it starts with the program; "any result" lies
    # between the largest single result and their sum
    cells.at_most([n_six], [n_upon])
    entered = cell_key("entered", None, programs, {}, ctx.start, ctx.end)  # counted by the entry tables
    if entered not in cells.values:
        cells.add(entered, metrics.entered(ctx.con, scope, ctx.start, ctx.end))
    cells.at_most([n_upon], [entered])
    singles = [r for r in results if isinstance(r[0], str)]
    for _, any_upon, any_six in [r for r in results if not isinstance(r[0], str)]:
        for _, k_upon, k_six in singles:
            cells.at_most([k_upon], [any_upon])
            cells.at_most([k_six], [any_six])
        cells.at_most([any_upon], [k for _, k, _ in singles])
        cells.at_most([any_six], [k for _, _, k in singles])
    if n_upon_value == 0 and n_six_value == 0:
        draft.note = ctx.say("report.n_leaving_none")
    else:
        draft.note = ctx.say("report.n_leaving", start=ctx.day(ctx.start), upon_end=ctx.day(upon_end),
                             six_end=ctx.day(six_end), as_of=ctx.day(ctx.as_of))
    return draft


# --- sites and cohorts -----------------------------------------------------------------------

def site_counts(ctx: Context) -> dict[tuple, int]:
    """{(measure, status, level key): n} of `report_sites.sql`; the level key is (), (program,),
    (program, site) or (program, site, cohort). Absent: 0."""
    rows = db.run(ctx.con, db.sql("report_sites"), {
        "programs": list(ctx.programs), "outcomes": list(OUTCOME_COLUMNS), "start": ctx.start, "end": ctx.end,
    }).fetchall()
    return {(measure, status, (program_id, site, cohort)[:_LEVELS[rolled_up]]): int(n)
            for rolled_up, program_id, site, cohort, measure, status, n in rows}


def _sort_key(value: Any) -> tuple:
    if value is None:
        return (2, 0, "")
    text = str(value)
    return (0, int(text), text) if text.isdigit() else (1, 0, text.casefold())


def sites_draft(ctx: Context, cells: Cells) -> Draft:
    many = len(ctx.programs) > 1
    outcome_labels = [ctx.say("report.reached", status=ctx.labels.get(s, s)) for s in OUTCOME_COLUMNS]
    columns = ctx.words(*(["field.program"] if many else []), "field.site", "field.cohort", "report.entered") + [
        ctx.say("report.in_program", date=ctx.day(ctx.end))] + outcome_labels
    title = ctx.say("report.section.sites")
    draft = Draft("sites", "sites", title, title, columns,
                  align=(("L",) if many else ()) + ("L", "L", "R", "R", "R", "R"),
                  widths=((1.6,) if many else ()) + (1.8, 1.2, 1.1, 1.5, 1.4, 1.6),
                  group_columns=2 if many else 1, span_column=0 if many else None,
                  label_columns=3 if many else 2)
    draft.note = ctx.say("report.n_sites", outcomes=", ".join(ctx.labels.get(s, s) for s in OUTCOME_COLUMNS),
                         start=ctx.day(ctx.start), end=ctx.day(ctx.end))
    rows = db.run(ctx.con, db.sql("report_site_cohorts"), {"programs": list(ctx.programs)}).fetchall()
    tree: dict[str, dict[Any, list[Any]]] = {p: {} for p in ctx.programs}
    for program_id, site, cohort in rows:
        tree[program_id].setdefault(site, []).append(cohort)
    none = ctx.say("report.not_recorded")

    # every count of the table, at every level, in one query
    measures = [("entered", None, ctx.start, ctx.end), ("in_program", None, None, ctx.end)]
    measures += [("reached", status, ctx.start, ctx.end) for status in OUTCOME_COLUMNS]
    counts = site_counts(ctx)

    def measure_cells(programs: tuple[str, ...], where: dict[str, Any]) -> tuple[list[tuple], list[int]]:
        if len(programs) != 1:
            key: tuple = ()
        else:
            key = (programs[0],) + ((where["site"],) if "site" in where else ()) + (
                (where["cohort"],) if "cohort" in where else ())
        values = [counts.get((m, s, key), 0) for m, s, _, _ in measures]
        keys = [cells.add(k, v) for k, v in zip(cell_keys(measures, programs, where), values)]
        for other in keys[1:]:  # in the program, started ≤ entered (when the period starts with the program)
            cells.at_most([other], [keys[0]])
        return keys, values

    def emit(program_id: str | None, site: Any, cohort: Any, keys, values, strong: bool,
             site_text: str, cohort_text: str) -> None:
        if not any(values) and not strong:
            return  # a row of zeros says nothing and changes no sum
        prefix = [Label(ctx.program_name(program_id) if program_id else "")] if many else []
        draft.add({"program": program_id, "site": site, "cohort": cohort, "entered": values[0],
                   "in_program": values[1], **{f"reached_{s}": v for s, v in zip(OUTCOME_COLUMNS, values[2:])}},
                  prefix + [Label(site_text), Label(cohort_text)] + [Count(k) for k in keys], strong)

    total_keys, total_values = measure_cells(ctx.programs, {})
    cells.keep += total_keys  # the headline: entered, in the program, training, employment
    program_keys_all = []
    for program_id in ctx.programs:
        sites = tree[program_id]
        program_keys, program_values = measure_cells((program_id,), {})
        program_keys_all.append(program_keys)
        site_keys_all = []
        for site in sorted(sites, key=_sort_key):
            cohorts = sorted(sites[site], key=_sort_key)
            site_text = none if site is None else str(site)
            site_keys, site_values = measure_cells((program_id,), {"site": site})
            site_keys_all.append(site_keys)
            if len(cohorts) == 1:
                cohort = cohorts[0]
                emit(program_id, site, cohort, site_keys, site_values, False, site_text,
                     none if cohort is None else str(cohort))
                continue
            cohort_keys_all = []
            for cohort in cohorts:
                keys, values = measure_cells((program_id,), {"site": site, "cohort": cohort})
                cohort_keys_all.append(keys)
                emit(program_id, site, cohort, keys, values, False, site_text,
                     none if cohort is None else str(cohort))
            for j, key in enumerate(site_keys):
                cells.relate(key, [keys[j] for keys in cohort_keys_all])
            emit(program_id, site, None, site_keys, site_values, True, site_text, ctx.say("report.all_cohorts"))
        for j, key in enumerate(program_keys):
            cells.relate(key, [keys[j] for keys in site_keys_all])
        if many:
            emit(program_id, None, None, program_keys, program_values, True, ctx.say("report.all_sites"), "")
    if many:
        for j, key in enumerate(total_keys):
            cells.relate(key, [keys[j] for keys in program_keys_all])
    emit(None, None, None, total_keys, total_values, True, ctx.say("report.total"), "")
    return draft
