"""The demo programs' input files: which files, in which order they load, and writing them.

Every file comes out byte for byte the same on every run: each program draws from its own
`random.Random` with a fixed seed, and nothing depends on today's date or the locale.
`DEMO_FILES` lists the files in the order they must be ingested, each with the program id a
user passes as `--program` (None for TOML files and for files with a `Programm` column).

Run `python -m pipelines.demo.files` to regenerate `data/demo/`.
"""

from __future__ import annotations

import pathlib

from pipelines.demo import cross_mentoring, kassel, permenti, tara

DEMO_FILES: list[tuple[str, str | None]] = [
    (f"{kassel.ID}.toml", None),
    (f"{tara.ID}.toml", None),
    (f"{permenti.ID}.toml", None),
    (f"{cross_mentoring.ID}.toml", None),
    (f"{kassel.ID}_teilnehmerinnen.xlsx", kassel.ID),
    (f"{tara.ID}_tandems.csv", None),
    (f"{permenti.ID}_teilnehmende.csv", None),
    (f"{permenti.ID}_episoden.csv", None),
    (f"{cross_mentoring.ID}_tracking.xlsx", None),
]

DEFAULT_DIR = pathlib.Path(__file__).resolve().parents[2] / "data" / "demo"


def write_demo_files(out_dir: pathlib.Path) -> list[pathlib.Path]:
    """Write all demo files into `out_dir`.

    Args:
        out_dir: target directory (created if missing); existing files are overwritten.

    Returns:
        The written paths, in ingestion order (the order of DEMO_FILES).
    """
    out_dir = pathlib.Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, pathlib.Path] = {}
    for program in (kassel, tara, permenti, cross_mentoring):
        written.update(program.write_files(out_dir))
    return [written[name] for name, _ in DEMO_FILES]


if __name__ == "__main__":
    for path in write_demo_files(DEFAULT_DIR):
        print(path.relative_to(DEFAULT_DIR.parents[1]))
