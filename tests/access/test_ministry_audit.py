"""The ministry's dashboard as an attacker reads it (issue 13, DESIGN.md "Ministry reports and privacy"):
every figure the ministry's pages show — tiles and status summary, target cards, each target's monthly
series, the monthly counts, the funnel, the comparison by every attribute the page offers for every
status, the data-quality counts — collected through the functions the pages call (`dashboard.data`, as the
ministry person), all at once, with the relations an attacker knows across pages
(`tests/helpers/publication.audit_dashboard`). scipy's MILP solver (HiGHS) gives each `*` its smallest and
largest value: none may be pinned, and none — nor a monthly step of 1 or 2 worked out between hidden
months — may be proved to lie below 3.

Measured on the per-page code (base 1d4e51b, each page protected on its own, tiles by the primary rule
only; this file run there): Kassel on 31.03.2019 — 73 `*`, 12 proved 1 or 2 (e.g. the three sites'
"Ausbildung begonnen" of 1, 1 and 2 beside the tile's shown 4); the random programs of seeds 0–5 — 1,132
`*`, 54 pinned, 87 proved small. With one publication: Kassel 88 `*`, seeds 0–5 1,404 `*`, none pinned,
none proved small.
"""

from __future__ import annotations

import datetime as dt
import inspect
import itertools
from contextlib import contextmanager

import pytest

from dashboard import data
from pipelines.access import Person
from pipelines.metrics import panels
from pipelines.store import db
from tests.helpers.publication import audit_dashboard, small_program
from tests.helpers.app import KASSEL

EARLY = dt.date(2019, 3, 31)
# what the ministry's Vergleich offers (all attributes but single ISCED levels, coach and mentor; the old page
# offered these too)
FIELDS = [f for f in panels.GROUP_FIELDS if f not in ("qualification_level", "coach_id", "mentor_id")]
_runs = itertools.count()


@contextmanager
def as_person(monkeypatch, path, person: Person):
    """`dashboard.data` reading `path` for `person` (no login, no Streamlit run)."""
    @contextmanager
    def reading():
        with db.reading(path) as con:
            yield con

    with monkeypatch.context() as patch:
        patch.setattr(data, "person", lambda: person)
        patch.setattr(data, "reading", reading)
        yield f"audit-{next(_runs)}"   # a cache key of its own: results are cached per key


def collect(key: str, programs: tuple[str, ...], as_of: dt.date, statuses: list[str]) -> dict[tuple, int | None]:
    """Every figure the pages show (None: `*`), named for the audit."""
    out: dict[tuple, int | None] = {}

    def put(name, value):
        out[name] = None if value is None or value != value else int(value)

    overview = data.overview(key, programs, as_of)
    summary = overview["summary"]
    put(("summary", "entered"), summary["entered"])
    put(("summary", "in_program"), summary["in_program"])
    for kind in ("active", "reached"):
        for status, n in summary[kind].items():
            put(("summary", kind, status), n)
    for tile in overview["tiles"]:
        put(("tile", tile["kind"], tile["status"]), tile["value"])
    for card in overview["targets"]:
        if card["measure"] in ("entered", "reached"):
            put(("card", card["program"], card["id"]), card["achieved"])
    progress = data.progress(key, programs, as_of)
    for target in progress["targets"]:
        for month_end, value in zip(target["series"]["month_end"], target["series"]["cumulative"]):
            put(("series", target["program"], target["id"], str(month_end)[:10]), value)
    for month, series, count in progress["monthly"][["month", "series", "count"]].itertuples(index=False):
        put(("monthly", series, str(month)[:10]), count)
    funnel = data.funnel(key, programs, as_of)
    for stage in funnel["stages"]:
        put(("funnel", stage["stage"]) + ((stage["status"],) if stage["stage"] == "reached" else ()), stage["n"])
    for reason, n in funnel["exit_reasons"].items():
        put(("funnel", "exit", reason), n)
    put(("funnel", "left"), funnel["left"])
    put(("funnel", "in_program"), funnel["in_program"])
    put(("stay", "left"), funnel["length_of_stay"]["left"]["n"])
    put(("stay", "ongoing"), funnel["length_of_stay"]["ongoing"]["n"])
    for field_name in FIELDS:
        for status in statuses:
            table = data.comparison(key, programs, status, as_of, field_name, ())["table"]
            for group, n, reached in table[["group", "n", "reached"]].itertuples(index=False):
                put(("group", field_name, group, "n", status), n)
                put(("group", field_name, group, "reached", status), reached)
    quality = data.quality(*(key, programs, as_of)[:len(inspect.signature(data.quality).parameters)])[0]
    for attribute, participants, missing in quality[["attribute", "participants", "missing"]].itertuples(index=False):
        put(("quality", attribute, "participants"), participants)
        put(("quality", attribute, "missing"), missing)
    return out


def audit(monkeypatch, path, programs: tuple[str, ...], as_of: dt.date, funder: str | None = None):
    with db.reading(path) as con:
        categories = con.execute("select status, category from status_vocabulary where program_id = '*' "
                                 "or list_contains(?, program_id)", [list(programs)]).fetchall()
    statuses = [s for c in ("outcome", "support") for s, k in categories if k == c]
    with as_person(monkeypatch, path, Person("lead", "lead", programs)) as key:
        truth = collect(key, programs, as_of, statuses)
    with as_person(monkeypatch, path, Person("ministerium", "ministry", programs, funder)) as key:
        seen = collect(key, programs, as_of, statuses)
    assert set(seen) == set(truth)
    return audit_dashboard(seen, truth), seen, truth


def test_the_audit_finds_three_small_sites_beside_their_shown_sum():
    """The audit itself: training 4 shown on the tile, its three sites hidden — each is proved 1 or 2."""
    truth = {("summary", "entered"): 20, ("summary", "reached", "training"): 4}
    truth.update({("group", "site", s, "n", "training"): n for s, n in (("A", 8), ("B", 7), ("C", 5))})
    truth.update({("group", "site", s, "reached", "training"): k for s, k in (("A", 1), ("B", 1), ("C", 2))})
    seen = {k: (None if k[3:4] == ("reached",) else v) for k, v in truth.items()}
    result = audit_dashboard(seen, truth)
    assert result.ranges[("group", "site", "A", "reached", "training")] == (1, 2)
    assert len(result.proved_small) == 3 and result.pinned == []
    seen[("summary", "reached", "training")] = None            # the sum hidden too: each can reach 3
    assert audit_dashboard(seen, truth).proved_small == []


def test_the_kassel_dashboard_of_the_ministry_gives_nothing_away(demo_path, monkeypatch):
    result, seen, truth = audit(monkeypatch, demo_path, (KASSEL,), EARLY)
    assert sum(v is None for v in seen.values()) >= 60        # there is something to find
    assert truth[("summary", "entered")] == 67 and seen[("summary", "entered")] == 67   # the headline stays
    assert truth[("summary", "reached", "training")] == 4 and seen[("summary", "reached", "training")] is None
    assert result.pinned == [], result.pinned
    assert result.proved_small == [], result.proved_small


@pytest.mark.parametrize("seeds", [range(0, 3), range(3, 6)])
def test_random_small_programs_show_the_ministry_nothing_an_attacker_can_pin_or_prove_small(
        seeds, tmp_path, monkeypatch):
    hidden, pinned, small = 0, [], []
    for seed in seeds:
        path = tmp_path / f"p{seed}.duckdb"
        con = db.connect(path)
        args = small_program(con, seed)
        con.close()
        result, seen, _ = audit(monkeypatch, path, tuple(args[0]), args[3])
        hidden += sum(v is None for v in seen.values())
        pinned += [(seed, c) for c in result.pinned]
        small += [(seed, c) for c in result.proved_small]
    assert hidden > 50
    assert pinned == [], pinned
    assert small == [], small
