"""Words of the `outcomes` command's own sentences. Keys start with `cli.`."""

WORDS: dict[str, tuple[str, str]] = {
}
