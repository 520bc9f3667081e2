"""Words of target agreements: problems in target files and forms, forecast sentences. Keys start with `targets.`."""

WORDS: dict[str, tuple[str, str]] = {
}
