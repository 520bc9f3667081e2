"""Words of reading and loading files: problems, summaries, kinds of file. Keys start with `ingest.`."""

WORDS: dict[str, tuple[str, str]] = {
}
