"""Build the demo store: the demo files and the public ESF figures, loaded through the real
ingestion, with one account per role (password `demo`), moved into place only when every file
loaded."""

from __future__ import annotations

import os
from pathlib import Path

from pipelines import access
from pipelines.store import db
from pipelines.demo.files import DEFAULT_DIR, DEMO_FILES
from pipelines.ingest import Ingestor, LoadResult

# Public programme-level figures (EU open data, ESF 2014–2020, Germany) for the ministry view.
REFERENCE_FILES = [DEFAULT_DIR.parent / "reference" / "esif1420_achievements_ESF_YEI_DE.csv"]


def build(path: str | os.PathLike, *, force: bool = False, lang: str = "de",
          source_dir: Path = DEFAULT_DIR) -> list[LoadResult]:
    """Build the demo store at `path` from the demo files.

    The store is built beside the target and moved into place only when every file loaded,
    so a failed build never leaves a half-built store behind.

    The store gets the demo accounts (`access.add_demo_accounts`): admin, kassel, evaluation and
    ministerium, each with the password `demo`.

    Returns:
        the load results, in manifest order (all ok, or the build was abandoned).
    """
    path = Path(path)
    if path.exists() and not force:
        raise FileExistsError(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_name(path.name + ".building")
    for leftover in (scratch, scratch.with_name(scratch.name + ".wal")):
        leftover.unlink(missing_ok=True)
    con = db.connect(scratch)
    results = []
    try:
        manifest = [(source_dir / name, program) for name, program in DEMO_FILES]
        manifest += [(f, None) for f in REFERENCE_FILES if f.exists()]
        for file, program in manifest:
            ingestor = Ingestor(con, db_path=path, program=program, lang=lang, loaded_by="demo")
            result = ingestor.ingest(file)
            results.append(result)
            if not result.ok:
                break
        if all(r.ok for r in results):
            access.add_demo_accounts(con)
    finally:
        con.close()
    if all(r.ok for r in results):
        for old in (path, path.with_name(path.name + ".wal")):
            old.unlink(missing_ok=True)
        scratch.replace(path)
    else:
        scratch.unlink(missing_ok=True)
    return results
