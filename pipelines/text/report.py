"""Words of the ministry report: titles, column heads, method section. Keys start with `report.`."""

WORDS: dict[str, tuple[str, str]] = {
}
