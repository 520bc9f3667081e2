"""Words of scopes, comparison groups, overview panels. Keys start with `metrics.`."""

WORDS: dict[str, tuple[str, str]] = {
}
