"""`outcomes bench`: a thin door to the benchmark in bench/run.py (a checkout's folder, not a package).

    outcomes bench --quick
    outcomes bench --scales 10000,100000
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    """Run bench/run.py with `argv` (the arguments after `outcomes bench`); returns the exit code."""
    if not (ROOT / "bench" / "run.py").exists():
        print("The benchmark lives in bench/ of a source checkout; it is not part of an installed package.",
              file=sys.stderr)
        return 1
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from bench import run

    return run.main(argv)
