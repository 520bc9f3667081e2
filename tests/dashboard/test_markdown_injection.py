"""Text from URLs is never rendered as markdown: a crafted comparison link (issue 11, measured: the
browser fetched an outside address from `?cohort=A: bogus=![x](http://…)`) shows as typed."""

from __future__ import annotations

from tests.helpers.app import PAGES, new_app

CRAFTED = "A: bogus=![x](http://127.0.0.1:9/leak.png)"


def test_a_crafted_comparison_link_is_shown_as_typed(demo_path, monkeypatch):
    monkeypatch.setenv("OUTCOMES_DB", str(demo_path))
    at = new_app()
    at.run()                                   # the navigation registers the pages
    at.switch_page(PAGES["compare"][0])
    at.query_params["cohort"] = [CRAFTED]      # the link as it arrives
    at.run()
    shown = [w.value for w in at.warning]
    assert shown, [e.value for e in at.error]
    assert all("![x](" not in w for w in shown)           # no image markdown left to render
    assert any("bogus" in w for w in shown)                  # the typed text is still there, escaped
