"""The City of Kassel's statement of 31.08.2020, reproduced by a target over training or employment."""

from __future__ import annotations

from pipelines import metrics, targets
from pipelines.text.targets import forecast_sentence

KASSEL = "sozialwirtschaft-integriert"


def test_the_agreement_is_met_on_31_08_2020(demo_con):
    scope = metrics.Scope((KASSEL,))
    # by hand from the demo file: 37 women started training and 14 started employment since
    # 01.01.2018 (KS-2018-015, -020, -021, -023, -027, -030, -044, KS-2019-004, -007, -008, -031,
    # -032, -050, -060); all 14 are still employed on the day and none of them started training,
    # so the city's statement holds as it was made: 37 + 14 = 51 ≥ 50, each woman once.
    assert metrics.reached(demo_con, scope, "training", "2018-01-01", "2020-08-31") == 37
    assert metrics.reached(demo_con, scope, "employment", "2018-01-01", "2020-08-31") == 14
    assert metrics.active(demo_con, scope, "employment", "2020-08-31") == 14
    cards = targets.evaluate(demo_con, KASSEL, "2020-08-31")
    agreement = cards[0]   # the headline target comes first
    assert agreement["id"] == "kassel-agreement" and agreement["headline"]
    assert agreement["statuses"] == ["training", "employment"]
    assert (agreement["achieved"], agreement["target"], agreement["state"]) == (51, 50, "met")
    assert agreement["attainment"] == 51 / 50
    assert forecast_sentence(agreement, "de") == "Ziel erfüllt: 51 von 50."
    # the training-only target stays 37 of 50 (74 %), on track
    training = next(c for c in cards if c["id"] == "kassel-training")
    assert (training["achieved"], training["attainment"], training["state"]) == (37, 0.74, "on_track")


def test_the_agreement_was_not_met_a_year_earlier(demo_con):
    card = targets.evaluate(demo_con, KASSEL, "2019-08-31")[0]
    assert card["id"] == "kassel-agreement" and card["state"] != "met" and card["achieved"] < 50
