"""The child process that parses a spreadsheet with calamine, under limits (driven by sheets.py).

calamine turns a sheet into one dense block of cells: one stray cell at XFD1048576 asks for
512 GB and aborts the whole process, a damaged file may panic. So it runs here, in a fresh
interpreter (`python -P sheet_child.py FD`) with an address-space limit (RLIMIT_AS) and a
CPU-time limit, and the parent kills it on a wall-clock deadline. Whatever happens here, the
parent gets a decision, not a crash. The child imports only the standard library,
python_calamine and pyarrow (not the `pipelines` package, duckdb or pandas); `cell_text`
lives here and is imported from here by the parent.

Messages (JSON over a socket pair, see Channel; the parent sends the job first):
    ("sheets", [names])                    the workbook's sheets
    ("head", name, [[text, …], …], score)  the first rows of a sheet, when the parent chooses
    ("choose",)                            → the parent answers ("read", name)
    ("done", {meta})                       rows written to job["arrow"] (Arrow IPC file)
    ("refused", code, {params})            a decision: the file or sheet is refused
"""

from __future__ import annotations

import datetime as dt
import json
import resource

BATCH_ROWS = 32_768
MAX_MESSAGE_BYTES = 64 * 2**20


class Channel:
    """JSON messages over a socket: the parent never unpickles what a child that parses an
    untrusted file sends it, and a message is at most MAX_MESSAGE_BYTES."""

    def __init__(self, fd: int):
        from multiprocessing.connection import Connection

        self._connection = Connection(fd)

    def send(self, message) -> None:
        self._connection.send_bytes(json.dumps(message).encode("ascii"))

    def recv(self):
        return json.loads(self._connection.recv_bytes(MAX_MESSAGE_BYTES))

    def poll(self, timeout: float) -> bool:
        return self._connection.poll(timeout)

    def close(self) -> None:
        self._connection.close()


def cell_text(value) -> str | None:
    """A cell as text, as every reader stages it: dates ISO, whole floats without '.0', bools 1/0.

    >>> [cell_text(v) for v in (None, "", 2019.0, 1.5, True, dt.date(2020, 9, 1))]
    [None, None, '2019', '1.5', '1', '2020-09-01']
    """
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _letters(number: int) -> str:
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _refuse(conn, code: str, **params) -> None:
    conn.send(("refused", code, params))


def _over_limits(sheet, name: str, job: dict) -> tuple[str, dict] | None:
    height, width = sheet.height, sheet.width
    (r1, c1), (r2, c2) = sheet.start or (0, 0), sheet.end or (0, 0)
    where = {"sheet": name, "ref": f"{_letters(c1 + 1)}{r1 + 1}:{_letters(c2 + 1)}{r2 + 1}"}
    if width > job["max_columns"]:
        return "too_many_columns", {"columns": width, "limit": job["max_columns"], **where}
    if height > job["max_rows"]:
        return "too_many_rows", {"rows": height, "limit": job["max_rows"], **where}
    if height * width > job["max_cells"]:
        return "too_many_cells", {"cells": height * width, "limit": job["max_cells"], **where}
    return None


def _rows(sheet):
    """(Excel row number, cells) of every row of the sheet's used range.

    python-calamine's iter_rows starts at row 1: rows above the used range come as empty
    padding, cells start at the range's first column. A version that stops padding fails here
    loudly (test_sheets: a sheet starting at C3) instead of numbering rows wrongly.
    """
    first = (sheet.start or (0, 0))[0]
    count = 0
    for index, record in enumerate(sheet.iter_rows()):
        if index >= first:
            count += 1
            yield index + 1, record
    if count != sheet.height:
        raise RuntimeError(f"iter_rows gave {count} rows of the used range, expected {sheet.height}")


def _head(sheet, job: dict) -> list[list[str | None]]:
    rows = []
    for _, record in _rows(sheet):
        rows.append([None if t is None else t[:200] for t in map(cell_text, record[: job["max_columns"]])])
        if len(rows) >= job["max_scan"]:
            break
    return rows


def _write(sheet, path: str) -> int:
    """All rows of the sheet as an Arrow IPC file: c0 … c{n-1} (text), _row (1-based Excel row)."""
    import pyarrow as pa

    width = sheet.width
    schema = pa.schema([pa.field(f"c{i}", pa.string()) for i in range(width)] + [pa.field("_row", pa.int32())])
    written = 0
    batch: list[list[str | None]] = []
    numbers: list[int] = []

    def flush(writer) -> None:
        columns = list(zip(*batch)) if batch else [()] * width
        arrays = [pa.array(col, pa.string()) for col in columns]
        arrays.append(pa.array(numbers, pa.int32()))
        writer.write_batch(pa.record_batch(arrays, schema=schema))

    with pa.OSFile(path, "wb") as sink, pa.ipc.new_file(sink, schema) as writer:
        for number, record in _rows(sheet):
            batch.append([cell_text(v) for v in record])
            numbers.append(number)
            if len(batch) >= BATCH_ROWS:
                flush(writer)
                written += len(batch)
                batch, numbers = [], []
        if batch or not written:
            flush(writer)
            written += len(batch)
    return written


def run(job: dict, conn) -> None:
    """Parse job["path"] and report to the parent; every outcome ends in a message or an exit."""
    resource.setrlimit(resource.RLIMIT_AS, (job["memory"], job["memory"]))
    cpu = int(job["seconds"]) + 2
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    current = "workbook"   # what was being read, for a corrupt_xlsx refusal
    try:
        import python_calamine as calamine

        try:
            workbook = calamine.CalamineWorkbook.from_path(job["path"])
            kinds = {m.name: str(m.typ) for m in workbook.sheets_metadata}
            names = [n for n in workbook.sheet_names if kinds.get(n, "WorkSheet").endswith("WorkSheet")]
            conn.send(("sheets", list(workbook.sheet_names)))
            target = job["sheet"]
            if target is not None and target not in workbook.sheet_names:
                return _refuse(conn, "no_such_sheet", sheet=target, sheets=", ".join(workbook.sheet_names))
            if target is None:
                candidates = [n for n in names if n not in job["skip"]]
                if not candidates:
                    return _refuse(conn, "empty_file")
                if len(candidates) == 1:
                    target = candidates[0]
            loaded = None
            if target is None:
                for name in candidates:
                    loaded = None   # free the previous sheet before loading the next
                    current = name
                    sheet = workbook.get_sheet_by_name(name)
                    problem = _over_limits(sheet, name, job)
                    conn.send(("head", name, [] if problem else _head(sheet, job), problem))
                    loaded = (name, sheet)
                    del sheet
                conn.send(("choose",))
                target = conn.recv()[1]
            sheet = loaded[1] if loaded is not None and loaded[0] == target else None
            loaded = None
            if sheet is None:
                current = target
                sheet = workbook.get_sheet_by_name(target)
            problem = _over_limits(sheet, target, job)
            if problem:
                return _refuse(conn, problem[0], **problem[1])
            rows = _write(sheet, job["arrow"])
            conn.send(("done", {
                "sheet": target, "rows": rows, "width": sheet.width,
                "start": list(sheet.start or (0, 0)),
                "merged": [[r1 + 1, c1 + 1, r2 + 1, c2 + 1]
                           for (r1, c1), (r2, c2) in (sheet.merged_cell_ranges or [])],
            }))
        except calamine.PasswordError:
            _refuse(conn, "encrypted")
        except (calamine.XmlError, calamine.ZipError) as exc:
            _refuse(conn, "corrupt_xlsx", part=current, detail=str(exc)[:200])
        except calamine.CalamineError as exc:
            _refuse(conn, "unreadable", detail=str(exc)[:200])
    except MemoryError:
        _refuse(conn, "too_large", limit_mb=job["memory"] // 2**20)
    except BaseException as exc:  # noqa: BLE001  a panic in calamine (PanicException), anything else
        _refuse(conn, "unreadable", detail=f"{type(exc).__name__}: {exc}"[:200])
    finally:
        conn.close()


if __name__ == "__main__":   # started by sheets.read_sheet
    import sys

    channel = Channel(int(sys.argv[1]))
    run(channel.recv(), channel)
