"""The demo store: the committed files under data/demo/, loaded through the same pipeline a
user's files go through (`outcomes demo`), plus the public ESF figures for the indicator page.

The files are made by one module per demo program (kassel, tara, permenti, cross_mentoring) on
the helpers of common.py; files.py lists them (DEMO_FILES) and writes them all.
"""

from pipelines.demo.files import DEFAULT_DIR, DEMO_FILES, write_demo_files
from pipelines.demo.builder import REFERENCE_FILES, build

__all__ = ["DEFAULT_DIR", "DEMO_FILES", "REFERENCE_FILES", "build", "write_demo_files"]
