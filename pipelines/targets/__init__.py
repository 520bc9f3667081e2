"""Targets (Zielvereinbarungen): target files checked into rows, rows back to TOML, the store,
and the evaluation on a date.

spec (parse and validate ``[[target]]`` tables; the dashboard's target form), toml (rows →
TOML that parses back to the same rows), store (save, load, the version in force), evaluate
(achieved, expected, state, forecast). Problems are `Problem` codes (`targets.*`); the
states' words are the catalog's `state.*`.
"""

from .evaluate import FORECAST_WINDOW_MONTHS, STATES, evaluate, evaluate_row, expected_value
from .spec import (CUMULATIVE, DIRECTIONS, LEVELS, MEASURES, REVISION_KEYS, ROW_KEYS, SHARE_DENOMINATORS, TOP_KEYS,
                   TargetSpecError, join_statuses, label_disagrees, parse_targets, plain_number, split_statuses,
                   table_from_form)
from .store import in_force, load_targets, replace_targets, save_targets
from .toml import targets_to_toml

__all__ = [
    "CUMULATIVE", "DIRECTIONS", "FORECAST_WINDOW_MONTHS", "LEVELS", "MEASURES", "REVISION_KEYS", "ROW_KEYS",
    "SHARE_DENOMINATORS", "STATES", "TOP_KEYS", "TargetSpecError", "evaluate", "evaluate_row", "expected_value",
    "in_force", "join_statuses", "load_targets", "parse_targets", "plain_number", "replace_targets", "save_targets",
    "label_disagrees", "split_statuses",
    "table_from_form", "targets_to_toml",
]
