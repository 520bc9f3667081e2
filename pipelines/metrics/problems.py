"""Problems found in what a person typed or uploaded, as codes with parameters.

A `Problem` names a key of the text catalog (`pipelines/text`) and the values of its
placeholders; the CLI, the report and the pages turn it into German or English with
`pipelines.text.metrics.problem_text`. A parameter may itself be a Problem (a target's
context, a filter condition around a scope problem); it is rendered first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Problem:
    """A catalog key (`metrics.unknown_field`) and the values of its placeholders."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        values = ", ".join(f"{k}={v!s}" if isinstance(v, Problem) else f"{k}={v!r}"
                           for k, v in self.params.items())
        return f"{self.code}({values})"


class ProblemError(ValueError):
    """Input with problems; `problems` lists every one of them (codes, not words)."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(map(str, self.problems)))
