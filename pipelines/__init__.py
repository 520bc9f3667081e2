"""Wirkungsmonitor's data: a folder per stage of the data's way (DESIGN.md, "Architecture").

files ──► ingest ──► store ──► metrics / targets ──► report · indicators (ministry figures)
                                         └─────────► the dashboard and the `outcomes` CLI (cli.py)

store (open, migrate, write one at a time, the one SQL loader, data checks, retention), ingest
(readers with limits, headers, rules, load), metrics (scope, counts, time_to, series, stats,
compare, panels), targets (spec, toml, store, evaluate), report (sections, suppression, PDF,
XLSX/CSV), indicators (aggregate ESF indicators), access (people, roles, audit), demo (the demo
programs' files). One home per concept: vocab.py (codes and accepted spellings), dates.py
(calendar arithmetic), text/ (every German and English word, chosen only at the edges).
Nothing here imports Streamlit or picks a language.
"""
