"""Program files (TOML): every problem listed."""

from __future__ import annotations

from pipelines.ingest import Ingestor
from pipelines.store import db
from pipelines.text.ingest import problem_message


def test_program_file_errors_are_listed(tmp_path):
    con = db.connect(":memory:")
    bad = tmp_path / "bad.toml"
    bad.write_text('[program]\nid = "Bad Id"\nstart = 2020-01-01\nend = 2019-01-01\nfoo = 1\n', encoding="utf-8")
    r = Ingestor(con).ingest(bad)
    assert r.outcome == "failed"
    text = " | ".join(problem_message(p, "de") for p in r.problems)
    assert "»name«" in text and "Bad Id" in text and "vor dem Beginn" in text and "»foo«" in text
    broken = tmp_path / "broken.toml"
    broken.write_text('[program\nid = "x"\n', encoding="utf-8")
    r = Ingestor(con).ingest(broken)
    assert r.problems[0].code == "bad_toml" and r.problems[0].line == 1
