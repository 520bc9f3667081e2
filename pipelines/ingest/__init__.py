"""Ingestion: data files and program files into the store, one file at a time, each in one transaction.

readers (CSV, Excel, Parquet staged as text) → headers (aliases, mapping file, status columns,
identifier check) → rules (normalised view, validation queries) → load (strict or lenient, in one
transaction, archived and logged; upsert writes the rows, rejects keeps the bad ones) ·
programs (program TOML files) · problems (what a load reports, as codes; the words for them are
in pipelines/text/ingest.py).
"""

from .headers import ColumnMapping, Layout, map_headers
from .load import Ingestor, ingest_files, ingest_uploads
from .problems import LoadResult, Problem, Refused
from .rejects import rejects_csv

__all__ = ["ColumnMapping", "Ingestor", "Layout", "LoadResult", "Problem", "Refused", "ingest_files",
           "ingest_uploads", "map_headers", "rejects_csv"]
