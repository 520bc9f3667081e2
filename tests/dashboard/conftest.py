"""The browser fixtures (`server` on a copy of the demo store, `browser`, `page`) for every module here;
a module that needs another server defines its own `server` (test_browser_access.py)."""

from tests.helpers.browser import browser, page, server  # noqa: F401  (fixtures)
