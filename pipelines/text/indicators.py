"""Words of aggregate (ESF) indicators: problems, flags, labels. Keys start with `indicators.`."""

WORDS: dict[str, tuple[str, str]] = {
}
