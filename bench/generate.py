"""Deterministic synthetic data for the benchmark: one ESF-style program at any scale.

`generate(n, out_dir)` writes, for n participants (about four episodes each), the files
project leads and systems send (DESIGN.md, "Input formats"):

- ``esf-bench.toml``            the program with three targets
- ``tracking_<n>.csv``          German tracking sheet, ``;``, Windows-1252, CRLF, DD.MM.YYYY
- ``participants_<n>.csv``      long format: participants (``;``, UTF-8 with BOM)
- ``episodes_<n>.csv``          long format: episodes (``,``, UTF-8) — the same episodes
- ``tracking_<n>.xlsx``         the tracking sheet as Excel (real date cells), optional

Every value comes from ``numpy.random.default_rng(seed + n)``, so the same (n, seed) gives
the same bytes on every machine; nothing depends on today's date. The tracking sheet and the
long pair describe the same people and episodes, so stores built from either agree.

Run ``python -m bench.generate 10000 bench/data/10000`` to write one scale by hand.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sys
from pathlib import Path

import numpy as np

PROGRAM_ID = "esf-bench"
SEED = 20_240_901
GENERATOR_VERSION = 1
AS_OF = dt.date(2024, 12, 31)             # the data's as-of date: no date lies after it
FIRST_ENTRY = dt.date(2015, 1, 1)         # entries 2015-01-01 .. 2024-12-31, cohort = month
PERIOD = (dt.date(2015, 1, 1), dt.date(2025, 12, 31))

SITES = [  # ~ the Länder's larger ESF+ project sites; umlauts on purpose (Windows-1252)
    "Berlin-Mitte", "Berlin-Neukölln", "Hamburg-Altona", "Hamburg-Harburg", "München", "Nürnberg",
    "Köln", "Düsseldorf", "Dortmund", "Essen", "Bielefeld", "Münster", "Frankfurt am Main", "Kassel",
    "Wiesbaden", "Stuttgart", "Mannheim", "Freiburg", "Leipzig", "Dresden", "Chemnitz", "Erfurt",
    "Magdeburg", "Halle (Saale)", "Rostock", "Schwerin", "Kiel", "Lübeck", "Bremen", "Hannover",
    "Göttingen", "Osnabrück", "Mainz", "Saarbrücken", "Potsdam", "Cottbus", "Würzburg", "Regensburg",
    "Mönchengladbach", "Gelsenkirchen",
]
ORIGINS = ["Syrien", "Türkei", "Ukraine", "Afghanistan", "Irak", "Iran", "Eritrea", "Westbalkan",
           "Osteuropa", "Nordafrika", "Südostasien", "Lateinamerika"]
EXIT_REASONS = ["abgeschlossen", "abgebrochen", "verzogen", "sonstiges"]
GENDERS = ["weiblich", "männlich", "divers"]
CEFR = ["A1", "A2", "B1", "B2", "C1", "C2"]

# Tracking-sheet status columns: German header word, canonical status, share of participants
# who have such an episode, first possible start (days after entry), spread of the start,
# length in days (lo, hi); None = a one-day event ("Qualifikation am").
STATUSES = [
    ("Coaching", "coaching", 1.00, 0, 21, (240, 720)),
    ("Sprachkurs", "language_course", 0.90, 7, 90, (90, 300)),
    ("Praktikum", "internship", 0.85, 45, 240, (20, 90)),
    ("Ausbildung", "training", 0.60, 60, 480, (700, 1100)),
    ("Beschäftigung", "employment", 0.60, 90, 600, (180, 1500)),
    ("Qualifikation", "qualification", 0.50, 45, 480, None),
]

OUTCOMES = {"training", "employment"}

PARTICIPANT_HEADERS = ["Teilnehmer-ID", "Standort", "Kohorte", "Eintritt", "Austritt", "Austrittsgrund",
                       "Geschlecht", "Geburtsjahr", "Herkunftsregion", "ISCED", "Deutschniveau", "Coach"]
EPISODE_HEADERS = ["Teilnehmer-ID", "Programm", "Status", "Beginn", "Ende"]


def tracking_headers() -> list[str]:
    headers = list(PARTICIPANT_HEADERS)
    for word, _, _, _, _, length in STATUSES:
        headers += [f"{word} ab", f"{word} bis"] if length is not None else [f"{word} am"]
    return headers


def program_toml(n: int) -> str:
    """The program file: three targets whose size follows the scale."""
    training = max(1, round(0.40 * n))
    leaving = max(1, round(0.15 * n))
    return f"""\
# Synthetischer Benchmark: ein bundesweites ESF+-Programm mit {n:,} Teilnehmenden
[program]
id           = "{PROGRAM_ID}"
name         = "ESF-Benchmark (synthetisch)"
organisation = "Benchmark"
region       = "Deutschland"
funder       = "Europäischer Sozialfonds Plus"
start        = {PERIOD[0].isoformat()}
end          = {PERIOD[1].isoformat()}

[[target]]
id         = "bench-training"
funder     = "Europäischer Sozialfonds Plus"
label      = "Mindestens {training} Frauen in Ausbildung"
measure    = "reached"
status     = "training"
at_least   = {training}
period     = {{ start = {PERIOD[0].isoformat()}, end = {PERIOD[1].isoformat()} }}
milestones = [ {{ date = 2019-12-31, value = {round(training * 0.3)} }}, {{ date = 2022-12-31, value = {round(training * 0.7)} }} ]

[[target]]
id         = "bench-upon-leaving"
funder     = "Europäischer Sozialfonds Plus"
label      = "Mindestens {leaving} in Beschäftigung nach Austritt"
measure    = "upon_leaving"
status     = "employment"
at_least   = {leaving}
period     = {{ start = {PERIOD[0].isoformat()}, end = {PERIOD[1].isoformat()} }}

[[target]]
id         = "bench-share-employment"
funder     = "Europäischer Sozialfonds Plus"
label      = "30 % der Teilnehmerinnen in Beschäftigung"
measure    = "share"
status     = "employment"
at_least   = 30
period     = {{ start = {PERIOD[0].isoformat()}, end = {PERIOD[1].isoformat()} }}
where      = {{ gender = "female" }}
"""


# --------------------------------------------------------------------------- the people

class Data:
    """Columns of the generated participants and episodes (numpy arrays; dates as day numbers).

    Day numbers count from 1970-01-01; -1 means no date.
    """

    def __init__(self, n: int, seed: int = SEED):
        rng = np.random.default_rng(seed + n)
        self.n = n
        epoch = dt.date(1970, 1, 1)
        first = (FIRST_ENTRY - epoch).days
        as_of = (AS_OF - epoch).days
        self.as_of_day = as_of
        # more entries in later years (programs grow): a triangular draw over the window
        entry = rng.triangular(first, first + 0.7 * (as_of - first), as_of, n).astype(np.int64)
        entry.sort()                                            # case numbers follow entry order
        self.entry = entry
        months = entry.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
        self.cohort = months - (FIRST_ENTRY.year - 1970) * 12 - FIRST_ENTRY.month + 2   # 2015-01 -> 1
        self.site = rng.choice(len(SITES), n, p=_weights(len(SITES), rng))
        stay = rng.gamma(3.0, 250.0, n).astype(np.int64) + 60
        exits = entry + stay
        self.exit = np.where(exits <= as_of, exits, -1)
        self.exit_reason = np.where(self.exit >= 0, rng.choice(4, n, p=[0.6, 0.25, 0.1, 0.05]), -1)
        self.gender = rng.choice(3, n, p=[0.96, 0.02, 0.02])
        self.birth_year = rng.integers(1962, 2006, n)
        self.origin = np.where(rng.random(n) < 0.92, rng.choice(len(ORIGINS), n), -1)
        self.isced = np.where(rng.random(n) < 0.95, rng.choice(9, n, p=[.02, .08, .15, .25, .15, .05, .2, .08, .02]), -1)
        self.cefr = np.where(rng.random(n) < 0.95, rng.choice(6, n, p=[.15, .25, .3, .2, .08, .02]), -1)
        self.coach = rng.integers(1, max(2, n // 40) + 1, n)
        end_of_follow = np.where(self.exit >= 0, self.exit, as_of)
        self.episodes: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for word, status, share, lo, spread, length in STATUSES:
            start = entry + lo + rng.integers(0, spread + 1, n)
            keep = (rng.random(n) < share) & (start <= end_of_follow)
            if length is None:
                end = np.full(n, -1)                            # one-day event: only "am"
            else:
                end = start + rng.integers(length[0], length[1] + 1, n)
                if status not in OUTCOMES:                      # support ends with the program;
                    end = np.minimum(end, end_of_follow)        # training and jobs go on after exit
                end = np.where((end > as_of) | ((self.exit < 0) & (end == as_of)), -1, end)
            self.episodes[status] = (np.where(keep, start, -1), np.where(keep, end, -1))

    def episode_count(self) -> int:
        return int(sum((start >= 0).sum() for start, _ in self.episodes.values()))


def _weights(k: int, rng: np.random.Generator) -> np.ndarray:
    w = rng.pareto(1.5, k) + 1.0
    return w / w.sum()


_EPOCH = dt.date(1970, 1, 1)


def _date_texts(days: np.ndarray, iso: bool = False) -> np.ndarray:
    """Day numbers -> 'DD.MM.YYYY' (or ISO) texts; -1 -> ''. Vectorised through a lookup table."""
    valid = days[days >= 0]
    if not len(valid):
        return np.full(len(days), "", dtype=object)
    lo, hi = int(valid.min()), int(valid.max())
    table = np.array([
        (d.isoformat() if iso else d.strftime("%d.%m.%Y"))
        for d in (dt.date.fromordinal(_EPOCH.toordinal() + i) for i in range(lo, hi + 1))
    ] + [""], dtype=object)
    index = np.where(days >= 0, days - lo, hi - lo + 1)
    return table[index]


def _pick_texts(values: list[str], index: np.ndarray) -> np.ndarray:
    table = np.array(list(values) + [""], dtype=object)
    return table[np.where(index >= 0, index, len(values))]


def _int_texts(values: np.ndarray) -> np.ndarray:
    return np.array([str(v) if v >= 0 else "" for v in values.tolist()], dtype=object)


def participant_ids(n: int) -> np.ndarray:
    return np.array([f"BM-{i:07d}" for i in range(1, n + 1)], dtype=object)


def participant_columns(d: Data) -> list[np.ndarray]:
    """The participant part of a row as text columns, in PARTICIPANT_HEADERS order."""
    return [
        participant_ids(d.n),
        _pick_texts(SITES, d.site),
        _int_texts(d.cohort),
        _date_texts(d.entry),
        _date_texts(d.exit),
        _pick_texts(EXIT_REASONS, d.exit_reason),
        _pick_texts(GENDERS, d.gender),
        _int_texts(d.birth_year),
        _pick_texts(ORIGINS, d.origin),
        _int_texts(d.isced),
        _pick_texts(CEFR, d.cefr),
        np.array([f"C{c:05d}" for c in d.coach.tolist()], dtype=object),
    ]


def _write_csv(path: Path, headers: list[str], columns: list[np.ndarray], *, delimiter: str,
               encoding: str, newline: str) -> None:
    """Columns of text -> a CSV file, in chunks (no value needs quoting: none has ; , or \")."""
    n = len(columns[0]) if columns else 0
    with open(path, "w", encoding=encoding, newline="") as out:
        out.write(delimiter.join(headers) + newline)
        step = 200_000
        for lo in range(0, n, step):
            chunk = [c[lo:lo + step].tolist() for c in columns]
            out.write(newline.join(delimiter.join(row) for row in zip(*chunk)))
            out.write(newline)


def tracking_columns(d: Data) -> list[np.ndarray]:
    columns = participant_columns(d)
    for _, status, _, _, _, length in STATUSES:
        start, end = d.episodes[status]
        columns.append(_date_texts(start))
        if length is not None:
            columns.append(_date_texts(end))
    return columns


def long_episodes(d: Data) -> list[np.ndarray]:
    """The episodes as long rows (id, Programm, Status, Beginn, Ende), by participant and start."""
    ids, words, starts, ends = [], [], [], []
    for i, (word, status, _, _, _, length) in enumerate(STATUSES):
        start, end = d.episodes[status]
        who = np.nonzero(start >= 0)[0]
        ids.append(who)
        words.append(np.full(len(who), i))
        starts.append(start[who])
        # a one-day event in a long file: Ende = Beginn (the ingestion stores [day, day + 1))
        ends.append(start[who] if length is None else end[who])
    who, word, start, end = (np.concatenate(a) for a in (ids, words, starts, ends))
    order = np.lexsort((word, start, who))
    who, word, start, end = who[order], word[order], start[order], end[order]
    pid = participant_ids(d.n)[who]
    return [pid, np.full(len(who), PROGRAM_ID, dtype=object), _pick_texts([s[0] for s in STATUSES], word),
            _date_texts(start), _date_texts(end)]


def write_xlsx(path: Path, d: Data) -> None:
    """The tracking sheet as an Excel file (xlsxwriter, constant_memory: row by row)."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    workbook.set_properties({"title": f"ESF-Benchmark – {d.n} Teilnehmende", "author": "bench",
                             "created": dt.datetime(2025, 1, 2, 8, 0, 0)})
    date_format = workbook.add_format({"num_format": "dd.mm.yyyy"})
    sheet = workbook.add_worksheet("Teilnehmende")
    headers = tracking_headers()
    for c, h in enumerate(headers):
        sheet.write_string(0, c, h)
    texts = participant_columns(d)
    # Excel serial day numbers: 1970-01-01 is 25569
    serial = lambda a: np.where(a >= 0, a + 25569, -1).tolist()  # noqa: E731
    cols: list[tuple[str, list]] = [
        ("s", texts[0].tolist()), ("s", texts[1].tolist()), ("n", d.cohort.tolist()),
        ("d", serial(d.entry)), ("d", serial(d.exit)), ("s", texts[5].tolist()), ("s", texts[6].tolist()),
        ("n", d.birth_year.tolist()), ("s", texts[8].tolist()), ("n", d.isced.tolist()),
        ("s", texts[10].tolist()), ("s", texts[11].tolist()),
    ]
    for _, status, _, _, _, length in STATUSES:
        start, end = d.episodes[status]
        cols.append(("d", serial(start)))
        if length is not None:
            cols.append(("d", serial(end)))
    write_string, write_number = sheet.write_string, sheet.write_number
    for r in range(d.n):
        row = r + 1
        for c, (kind, values) in enumerate(cols):
            v = values[r]
            if kind == "s":
                if v:
                    write_string(row, c, v)
            elif v >= 0:
                if kind == "d":
                    write_number(row, c, v, date_format)
                else:
                    write_number(row, c, v)
    workbook.close()


# --------------------------------------------------------------------------- entry point

def files_for(n: int, out_dir: Path) -> dict[str, Path]:
    out_dir = Path(out_dir)
    return {
        "program": out_dir / f"{PROGRAM_ID}.toml",
        "tracking_csv": out_dir / f"tracking_{n}.csv",
        "participants_csv": out_dir / f"participants_{n}.csv",
        "episodes_csv": out_dir / f"episodes_{n}.csv",
        "tracking_xlsx": out_dir / f"tracking_{n}.xlsx",
    }


def generate(n: int, out_dir: str | Path, *, seed: int = SEED, xlsx: bool = True,
             log=lambda *_: None) -> dict:
    """Write the benchmark files for n participants into out_dir (reused when already there).

    Args:
        n: participants.
        out_dir: folder; a manifest.json records what was written.
        seed: base seed (the scale is added, so each scale is its own data set).
        xlsx: also write the Excel tracking sheet.
        log: progress callback (a message).
    Returns:
        the manifest: {"n", "seed", "version", "episodes", "files": {kind: {"path", "bytes", "rows"}}}.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest_path = out_dir / "manifest.json"
    paths = files_for(n, out_dir)
    if manifest_path.exists():
        manifest = json.loads(manifest_path.read_text())
        same = (manifest.get("n"), manifest.get("seed"), manifest.get("version")) == (n, seed, GENERATOR_VERSION)
        present = all(Path(f["path"]).exists() and Path(f["path"]).stat().st_size == f["bytes"]
                      for f in manifest["files"].values())
        if same and present and (not xlsx or "tracking_xlsx" in manifest["files"]):
            return manifest
    log(f"generating {n:,} participants in {out_dir}")
    d = Data(n, seed)
    files: dict[str, dict] = {}

    def done(kind: str, rows: int) -> None:
        p = paths[kind]
        files[kind] = {"path": str(p), "bytes": p.stat().st_size, "rows": rows}

    paths["program"].write_text(program_toml(n), encoding="utf-8")
    done("program", 1)
    _write_csv(paths["tracking_csv"], tracking_headers(), tracking_columns(d), delimiter=";",
               encoding="cp1252", newline="\r\n")
    done("tracking_csv", n)
    participants = participant_columns(d)
    _write_csv(paths["participants_csv"], ["Teilnehmer-ID", "Programm", *PARTICIPANT_HEADERS[1:]],
               [participants[0], np.full(n, PROGRAM_ID, dtype=object), *participants[1:]],
               delimiter=";", encoding="utf-8-sig", newline="\n")
    done("participants_csv", n)
    episodes = long_episodes(d)
    _write_csv(paths["episodes_csv"], EPISODE_HEADERS, episodes, delimiter=",", encoding="utf-8", newline="\n")
    done("episodes_csv", len(episodes[0]))
    if xlsx:
        log(f"writing {paths['tracking_xlsx'].name} (xlsxwriter, constant_memory)")
        write_xlsx(paths["tracking_xlsx"], d)
        done("tracking_xlsx", n)
    manifest = {"n": n, "seed": seed, "version": GENERATOR_VERSION, "as_of": AS_OF.isoformat(),
                "program": PROGRAM_ID, "episodes": d.episode_count(), "files": files}
    manifest_path.write_text(json.dumps(manifest, indent=2))
    return manifest


def file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    target = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(__file__).parent / "data" / str(count)
    print(json.dumps(generate(count, target, log=print), indent=2))
