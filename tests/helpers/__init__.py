"""Shared test helpers: files as offices write them (files), tiny stores (stores), the CLI in-process
(cli), the dashboard under AppTest (app). Imported as `from tests.helpers.<module> import …`."""
