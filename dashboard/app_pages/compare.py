"""Vergleich: groups by attribute or typed comparison groups side by side — shares with Wilson
intervals, the difference to a reference (Newcombe interval, exact p), the share adjusted for the
participant mix, small-group flags, and time-to-outcome curves with their band and numbers at risk. The page's state lives in the URL
(the typed groups as ?cohort=…, the parameter's old name)."""

import pandas as pd
import streamlit as st

from dashboard import charts, data, state
from dashboard.i18n import Labels
from dashboard.widgets import chart, download_csv, escaped, star_note, table as show_table
from pipelines.access import publication, publish
from pipelines.metrics import ProblemError, panels
from pipelines.text.metrics import p_value, points, problem_texts

L = Labels(state.language())
st.title(L("page.compare"))
chosen = state.require_programs(L)
if chosen:
    key, as_of = state.marker(), state.as_of()
    vocab = data.vocabulary(key, chosen)
    statuses = [s for s, v in vocab.items() if v[2] == "outcome"] + [s for s, v in vocab.items() if v[2] == "support"]
    q = st.query_params
    ministry = data.ministry()   # publication-safe figures: groups by one attribute only, no curves

    # first visit: the URL decides (a shared link), then the widgets do
    if "cmp_mode" not in st.session_state:
        st.session_state["cmp_mode"] = "groups" if q.get_all("cohort") and not ministry else "by"
        st.session_state["cmp_by"] = q.get("by") if q.get("by") in (publication.FIELDS if ministry else
                                                                      panels.GROUP_FIELDS) else (
            "site" if len(chosen) == 1 else "program")
        st.session_state["cmp_status"] = q.get("status") if q.get("status") in statuses else (
            "training" if "training" in statuses else statuses[0])
        typed = q.get_all("cohort")
        if not typed:
            values = data.group_values(key, chosen)
            sites = values["site"][:2] or ["?"]
            typed = [f"{s}: standort={s}" for s in sites]
        st.session_state["cmp_n"] = max(2, min(5, len(typed)))
        for i, text in enumerate(typed[:5]):
            st.session_state[f"cmp_group_{i}"] = text

    # Streamlit forgets the value of a widget that is not drawn (the grouping while typed groups are
    # shown, the typed groups while grouping): keep a copy and put it back when the widget returns
    mode_widgets = {"by": ["cmp_by"], "groups": [f"cmp_group_{i}" for i in range(5)]}
    mode = st.session_state["cmp_mode"]
    if st.session_state.get("_cmp_shown", mode) != mode:
        for name in mode_widgets[mode]:
            if f"_{name}" in st.session_state:
                st.session_state[name] = st.session_state[f"_{name}"]

    left, right = st.columns([1, 2])
    with left:
        if ministry:   # typed groups are any scope a person types: the publication cannot hold them
            st.session_state["cmp_mode"] = "by"
            st.caption(L("compare.ministry_groups"))
        else:
            st.radio(L("compare.mode"), ["by", "groups"], key="cmp_mode", horizontal=True,
                     format_func=lambda m: L(f"compare.mode.{m}"))
        st.selectbox(L("compare.status"), statuses, key="cmp_status", format_func=lambda s: L.status(s, vocab))
        if st.session_state["cmp_mode"] == "by":
            st.selectbox(L("compare.by"), publication.FIELDS if ministry else panels.GROUP_FIELDS, key="cmp_by",
                         format_func=lambda f: L(f"field.{f}"))
    groups: list[str] = []
    if st.session_state["cmp_mode"] == "groups":
        with right:
            st.caption(L("compare.group_help"))
            for i in range(st.session_state["cmp_n"]):
                text = st.text_input(L("compare.group_n", n=i + 1), key=f"cmp_group_{i}")
                if text.strip():
                    groups.append(text.strip())
            if st.session_state["cmp_n"] < 5 and st.button(L("compare.add"), icon=":material/add:"):
                st.session_state["cmp_n"] += 1
                st.rerun()

    for name in mode_widgets[mode]:
        if name in st.session_state:
            st.session_state[f"_{name}"] = st.session_state[name]
    st.session_state["_cmp_shown"] = mode
    status, by = st.session_state["cmp_status"], st.session_state.get("cmp_by")   # by: only in mode "by"
    # the state in the URL, so the comparison can be bookmarked and sent on
    state.keep_in_url(L, status=status, **({"by": by} if mode == "by" else {"cohort": groups}))
    st.caption(L("compare.link"))

    if not data.ministry_holds(key, chosen, as_of, by if mode == "by" else None, status):
        st.info(L("compare.ministry_not_held"))
        st.stop()
    try:
        result = data.comparison(key, chosen, status, as_of, by if mode == "by" else None,
                                 tuple(groups) if mode == "groups" else ())
    except ProblemError as exc:   # a group a person typed: say what is wrong
        # the groups come from the URL or a text field: their words are shown as typed, never as markdown
        st.warning("  \n".join(escaped(t) for t in problem_texts(exc.problems, L.lang)))
        st.stop()

    # the ministry: a value hidden for publication reads * on the page and in the downloads
    hidden = result.get("hidden") or {}
    table = publish.marked(result["table"], hidden.get("table", ()))
    at_risk = publish.marked(result["at_risk"], hidden.get("at_risk", ()))
    status_label = L.status(status, vocab)
    group_label = L(f"field.{by}") if mode == "by" else L("compare.group")

    def cell(value, form):
        return value if value == publish.SUPPRESSED else form(value)

    def difference(row) -> str:
        if pd.isna(row.versus) and result["versus"] == "first":
            return L("metrics.compare.reference")
        if row.reference_small is True and pd.isna(row.diff):
            return L("metrics.compare.reference_small")
        return cell(row.diff, lambda v: points(v, L.lang))

    rows = list(table.itertuples())
    shown = pd.DataFrame({
        group_label: [L("compare.unknown") if g is None else g for g in table["group"]],
        L("compare.n"): [cell(v, L.num) for v in table["n"]],
        L("compare.reached"): [cell(v, L.num) for v in table["reached"]],
        L("compare.share"): [cell(v, lambda x: L.pct(x, 1)) for v in table["share"]],
        L("compare.ci"): [publish.SUPPRESSED if publish.SUPPRESSED in (lo, hi) else f"{L.pct(lo, 1)} – {L.pct(hi, 1)}"
                          for lo, hi in zip(table["ci_low"], table["ci_high"])],
        L("metrics.compare.diff"): [difference(r) for r in rows],
        L("metrics.compare.diff_ci"): [
            publish.SUPPRESSED if publish.SUPPRESSED in (r.diff_low, r.diff_high) else
            "–" if pd.isna(r.diff_low) else f"{points(r.diff_low, L.lang)} … {points(r.diff_high, L.lang)}"
            for r in rows],
        L("metrics.compare.p"): [cell(v, lambda x: p_value(x, L.lang)) for v in table["p_exact"]],
        L("metrics.compare.adjusted"): [cell(v, lambda x: L.pct(x, 1)) for v in table["adjusted"]],
        L("compare.small"): [cell(s, lambda x: L("yes") if x else "") for s in table["small"]],
    })
    show_table(shown, L, config={c: st.column_config.TextColumn(alignment="right") for c in (
        L("compare.n"), L("compare.reached"), L("compare.share"), L("metrics.compare.diff"), L("metrics.compare.p"),
        L("metrics.compare.adjusted"))})
    # the method in words: what the difference compares with, what the adjusted share means
    first = escaped(table["group"].iloc[0]) if len(table) else ""
    method = [L(f"metrics.compare.method.{result['versus']}", first=first)] if result["versus"] else []
    fields = result["adjusted_by"]
    method.append(L("metrics.compare.method.adjusted",
                    fields=L("metrics.compare.and").join(L(f"field.{f}") for f in fields)) if fields
                  else L("metrics.compare.method.not_adjusted"))
    st.caption("  \n".join(method))
    if hidden.get("table"):
        star_note(L)
    download_csv(table.drop(columns=["unit"]), "vergleich.csv", L, key="compare-table")

    plot = table.assign(group=[str(g) for g in table["group"]])
    chart(charts.shares_with_intervals(plot, L, title=status_label), table.drop(columns=["unit"]),
          L("compare.caption", status=status_label), "vergleich_anteile.csv", L, "compare-bars")
    st.subheader(L("compare.curve"))
    if ministry:   # the publication holds no curves: a curve's steps and numbers at risk reveal small counts
        st.info(L("compare.ministry_curves"))
        st.stop()
    curves = result["curves"].assign(group=lambda f: [str(g) for g in f["group"]])
    risk = at_risk.assign(group=lambda f: [str(g) for g in f["group"]])
    small = {str(g): s is True for g, s in zip(table["group"], table["small"])}
    # one download for the chart: the curve, its band and the numbers at risk at their months
    chart(charts.curves(curves, L, at_risk=risk, small=small), curves.merge(risk, on=["group", "month"], how="outer"),
          L("compare.curve_caption", status=status_label) + " " + L("metrics.compare.curve_note"),
          "zeit_bis_ergebnis.csv", L, "compare-curves")
