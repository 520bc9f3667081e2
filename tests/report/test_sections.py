"""The sections' own counting: report_sites.sql gives the numbers of `metrics` at every level."""

from __future__ import annotations

import datetime as dt

from pipelines import metrics
from pipelines.metrics import Scope
from pipelines.report import sections
from pipelines.report.build import program_info
from pipelines.report.drafts import Context

FOUR = ("sozialwirtschaft-integriert", "tara-mentoring", "permenti-transfer", "cross-mentoring-duesseldorf-koeln")


def test_site_counts_agree_with_metrics_at_every_level(demo_con):
    start, end = dt.date(2018, 1, 1), dt.date(2025, 6, 30)
    ctx = Context(demo_con, FOUR, program_info(demo_con, FOUR), start, end, end, "de", {})
    counts = sections.site_counts(ctx)
    scope = Scope(FOUR)
    by = ("program_id", "site", "cohort")
    expected = {("entered", None): metrics.entered(demo_con, scope, start, end, by=by),
                ("in_program", None): metrics.in_program(demo_con, scope, end, by=by)}
    expected |= {("reached", s): metrics.reached(demo_con, scope, s, start, end, by=by)
                 for s in sections.OUTCOME_COLUMNS}
    for (measure, status), groups in expected.items():
        sums: dict[tuple, int] = {}
        for (program_id, site, cohort), n in groups.items():
            for key in ((), (program_id,), (program_id, site), (program_id, site, cohort)):
                sums[key] = sums.get(key, 0) + n
        found = {key: n for (m, s, key), n in counts.items() if (m, s) == (measure, status)}
        assert found == {key: n for key, n in sums.items() if n}, (measure, status)
    assert counts[("entered", None, ())] == metrics.entered(demo_con, scope, start, end)
    assert counts[("reached", "training", ("sozialwirtschaft-integriert",))] == metrics.reached(
        demo_con, Scope(FOUR[:1]), "training", start, end)


def test_site_counts_keep_unknown_sites_apart_from_subtotals(tiny):
    """A participant without site is a group (p1, None), not the program's subtotal (p1,)."""
    tiny.execute("update participant set site = null where participant_id = 'n1'")
    day = dt.date(2021, 6, 30)
    ctx = Context(tiny, ("p1",), program_info(tiny, ["p1"]), dt.date(2018, 1, 1), day, day, "de", {})
    counts = sections.site_counts(ctx)
    assert counts[("entered", None, ("p1",))] == 11
    assert counts[("entered", None, ("p1", None))] == 1
    assert counts[("entered", None, ("p1", "Nord"))] == 4
    assert counts[("entered", None, ("p1", None, "1"))] == 1
