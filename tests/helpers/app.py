"""Helpers for the dashboard tests: the app under AppTest, the CLI's numbers, downloads, free ports."""

from __future__ import annotations

import ast
import contextlib
import datetime as dt
from pathlib import Path

from streamlit.runtime import memory_media_file_storage
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "dashboard" / "app.py"
ARTIFACTS = ROOT / "tests" / "artifacts"

KASSEL = "sozialwirtschaft-integriert"
PERMENTI = "permenti-transfer"
AUGUST_2020 = dt.date(2020, 8, 31)



def _registered_pages() -> dict[str, tuple[str, str, str]]:
    """The pages as app.py registers them: name -> (file relative to app.py, URL path, German title).

    Read from app.py's PAGES list (not imported: importing would run Streamlit), so a page added
    there is smoke-tested without touching the tests.
    """
    from dashboard.i18n import LABELS

    tree = ast.parse(APP.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "PAGES" for t in node.targets):
            entries = ast.literal_eval(node.value)
            return {name: (f"app_pages/{name}.py", slug, LABELS[label][0]) for name, label, slug, _ in entries}
    raise AssertionError("dashboard/app.py has no PAGES list")


PAGES = _registered_pages()
# the six pages of the first release, with what they must show
CORE_PAGES = ["overview", "progress", "compare", "funnel", "targets", "data"]


def cli_json(db: Path, *args: str) -> object:
    """`outcomes <args> --json --db <db>` as a user would call it (in-process), parsed."""
    from tests.helpers.cli import run_json

    return run_json(db, *args)


def new_app(user: str | None = "admin", role: str = "admin") -> AppTest:
    """The dashboard as AppTest sees it (the store is $OUTCOMES_DB, set by the caller), with `user`
    logged in (as if through the login page; the store decides what she sees), or nobody (None)."""
    at = AppTest.from_file(str(APP), default_timeout=120)
    if user is not None:
        log_in_session(at, user, role)
    return at


def log_in_session(at: AppTest, user: str, role: str = "admin") -> AppTest:
    """Put `user` into the app's session as the login page does after a good password."""
    from dashboard import data
    from pipelines.access import Person

    now = dt.datetime.now()
    at.session_state[data.PERSON_KEY] = Person(user, role)
    at.session_state[data.LOGIN_AT_KEY] = now
    at.session_state[data.LAST_SEEN_KEY] = now
    return at


def open_page(at: AppTest, page: str) -> AppTest:
    """Run the app once (st.navigation registers the pages), then switch to `page` and run again."""
    if not at._registered_pages:   # before the first run switch_page cannot resolve url paths
        at.run()
    at.switch_page(PAGES[page][0])
    return at.run()


def choose(at: AppTest, programs: list[str], as_of: dt.date | None = None) -> AppTest:
    """Pick programs and (optionally) the as-of date in the sidebar, as a user does: one change, one run."""
    at.multiselect(key="programs").set_value(programs)
    at.run()
    if as_of is not None:
        at.date_input(key="as_of").set_value(as_of)
        at.run()
    return at


def problems(at: AppTest) -> list[str]:
    """Every st.error and exception on the page (a page that renders well has none)."""
    return [e.value for e in at.error] + [str(e.value) for e in at.exception]


def tiles(at: AppTest) -> dict[str, str]:
    """The metric tiles: label -> shown value."""
    return {m.label: m.value for m in at.metric}


class MediaRecorder:
    """Keeps the bytes of every file the app hands to the media manager (download buttons).

    AppTest throws its media storage away after each run; this keeps a copy keyed by file id.
    """

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    @contextlib.contextmanager
    def recording(self):
        original = memory_media_file_storage.MemoryMediaFileStorage.load_and_get_id
        recorder = self

        def load_and_get_id(storage, path_or_data, mimetype, kind, filename=None):
            file_id = original(storage, path_or_data, mimetype, kind, filename)
            recorder.files[file_id] = storage.get_file(file_id).content
            return file_id

        memory_media_file_storage.MemoryMediaFileStorage.load_and_get_id = load_and_get_id
        try:
            yield self
        finally:
            memory_media_file_storage.MemoryMediaFileStorage.load_and_get_id = original

    def content(self, button) -> bytes:
        """The bytes behind a download button of the last run."""
        file_id = Path(button.proto.url).stem
        return self.files[file_id]


def download(at: AppTest, label: str) -> object:
    """The one download button with this label."""
    found = [b for b in at.get("download_button") if b.proto.label == label]
    assert len(found) == 1, [b.proto.label for b in at.get("download_button")]
    return found[0]


