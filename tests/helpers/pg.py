"""Throwaway PostgreSQL server for tests (stdlib only; psycopg optional).

    with PgServer() as pg:
        pg.dsn        # 'postgresql://postgres@127.0.0.1:PORT/lake'
        pg.libpq      # 'dbname=lake host=127.0.0.1 port=PORT user=postgres'
        pg.ducklake   # 'ducklake:postgres:' + pg.libpq  (what DuckDB's ATTACH takes)
        pg.create_database('other')  -> libpq string for that database

Runs initdb into a fresh temp folder, picks a free TCP port on 127.0.0.1, starts
with ``pg_ctl -w start`` and removes everything on exit (also via atexit if the
context manager is bypassed). When running as root (CI), initdb/pg_ctl/postgres
run as the unprivileged ``postgres`` user (created by Debian's ``postgresql``
package) through ``runuser -u postgres --`` (fallback: ``setpriv``), and the temp
folder is chowned to it.  Auth is ``trust`` on 127.0.0.1 and the private socket
directory only: never expose this server.
"""
from __future__ import annotations

import atexit
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path



class PgServerError(RuntimeError):
    pass


def find_pg_bin(version: str | None = None) -> Path:
    """Directory holding initdb/pg_ctl: $PG_BIN, else /usr/lib/postgresql/<v>/bin (15 preferred)."""
    env = os.environ.get("PG_BIN")
    if env:
        return Path(env)
    cands = []
    if version:
        cands.append(f"/usr/lib/postgresql/{version}/bin")
    cands.append("/usr/lib/postgresql/15/bin")
    cands += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for c in cands:
        if os.path.isfile(os.path.join(c, "initdb")):
            return Path(c)
    on_path = shutil.which("initdb") or shutil.which("pg_ctl")
    if on_path:
        return Path(on_path).parent
    raise PgServerError("PostgreSQL server binaries not found (apt-get install postgresql, or set PG_BIN)")


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def _privdrop_prefix(user: str) -> list[str]:
    """Command prefix that runs a program as `user` (only needed when we are root)."""
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam(user)
    except KeyError as e:
        raise PgServerError(f"running as root but OS user {user!r} does not exist "
                            "(apt-get install postgresql creates it)") from e
    if shutil.which("runuser"):
        return ["runuser", "-u", user, "--"]
    if shutil.which("setpriv"):
        return ["setpriv", f"--reuid={user}", f"--regid={user}", "--init-groups", "--"]
    raise PgServerError("need runuser or setpriv to drop root privileges")


class PgServer:
    """Context manager around a temporary PostgreSQL cluster.

    settings: extra ``-c name=value`` server settings (merged over the defaults).
    """

    DEFAULT_SETTINGS = {
        "listen_addresses": "127.0.0.1",
        # DuckLake's commit retry matches English error text (duckdb/ducklake#1311):
        "lc_messages": "C",
        # throwaway cluster: durability off for speed
        "fsync": "off",
        "synchronous_commit": "off",
        "full_page_writes": "off",
        # each DuckDB process keeps a pool of connections per attached catalog
        "max_connections": "200",
    }

    def __init__(self, dbname: str = "lake", user: str = "postgres", *, base_dir: str | None = None,
                 settings: dict[str, str] | None = None, os_user: str = "postgres",
                 pg_bin: str | os.PathLike | None = None, start_timeout: int = 60):
        self.dbname = dbname
        self.user = user
        self.host = "127.0.0.1"
        self.port: int | None = None
        self.base_dir = base_dir
        self.settings = {**self.DEFAULT_SETTINGS, **(settings or {})}
        self.os_user = os_user
        self.bin = Path(pg_bin) if pg_bin else find_pg_bin()
        self.start_timeout = start_timeout
        self.tmp: Path | None = None
        self.timings: dict[str, float] = {}
        self._running = False
        self._prefix = _privdrop_prefix(os_user)

    # --- paths / strings ---------------------------------------------------------
    @property
    def datadir(self) -> Path:
        return self.tmp / "data"

    @property
    def sockdir(self) -> Path:
        return self.tmp / "sock"

    @property
    def logfile(self) -> Path:
        return self.tmp / "server.log"

    def libpq_for(self, dbname: str) -> str:
        return f"dbname={dbname} host={self.host} port={self.port} user={self.user}"

    @property
    def libpq(self) -> str:
        return self.libpq_for(self.dbname)

    @property
    def dsn(self) -> str:
        return f"postgresql://{self.user}@{self.host}:{self.port}/{self.dbname}"

    @property
    def ducklake(self) -> str:
        return "ducklake:postgres:" + self.libpq

    # --- process helpers ---------------------------------------------------------
    def _env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PG", "LC_"))}
        env.update(LANG="C", LC_ALL="C", TZ="UTC")
        return env

    def _run(self, *args: str, check: bool = True, timeout: int | None = None) -> subprocess.CompletedProcess:
        cmd = [*self._prefix, *args]
        p = subprocess.run(cmd, env=self._env(), cwd=str(self.tmp), capture_output=True, text=True,
                           timeout=timeout or self.start_timeout)
        if check and p.returncode != 0:
            log = self.logfile.read_text(errors="replace")[-3000:] if self.logfile.exists() else ""
            raise PgServerError(f"{' '.join(cmd)} failed ({p.returncode}):\n{p.stdout}\n{p.stderr}\n{log}")
        return p

    # --- lifecycle -----------------------------------------------------------------
    def start(self) -> "PgServer":
        t0 = time.perf_counter()
        self.tmp = Path(tempfile.mkdtemp(prefix="pgserver-", dir=self.base_dir))
        try:
            self.sockdir.mkdir()
            if self._prefix:
                pw = pwd.getpwnam(self.os_user)
                for p in (self.tmp, self.sockdir):
                    os.chown(p, pw.pw_uid, pw.pw_gid)
            self._run(str(self.bin / "initdb"), "-D", str(self.datadir), "-U", self.user,
                      "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync")
            self.timings["initdb"] = time.perf_counter() - t0
            last = None
            for _attempt in range(5):   # free_port() can race with another process
                self.port = free_port(self.host)
                opts = [f"-c port={self.port}", f"-c unix_socket_directories={self.sockdir}"]
                opts += [f"-c {k}={v}" for k, v in self.settings.items()]
                p = self._run(str(self.bin / "pg_ctl"), "-D", str(self.datadir), "-l", str(self.logfile),
                              "-w", "-t", str(self.start_timeout), "-o", " ".join(opts), "start", check=False)
                if p.returncode == 0:
                    break
                last = p
                log = self.logfile.read_text(errors="replace") if self.logfile.exists() else ""
                if "Address already in use" not in log and "could not bind" not in log:
                    raise PgServerError(f"pg_ctl start failed:\n{p.stdout}\n{p.stderr}\n{log[-3000:]}")
            else:
                raise PgServerError(f"pg_ctl start failed after retries:\n{last.stdout}\n{last.stderr}")
            self._running = True
            atexit.register(self.stop)
            self.create_database(self.dbname)
        except BaseException:
            self.stop()
            raise
        self.timings["start"] = time.perf_counter() - t0
        return self

    def create_database(self, dbname: str) -> str:
        """CREATE DATABASE dbname (via the private unix socket); returns its libpq string."""
        self._run(str(self.bin / "createdb"), "-h", str(self.sockdir), "-p", str(self.port),
                  "-U", self.user, dbname)
        return self.libpq_for(dbname)

    def connect(self, dbname: str | None = None, **kw):
        """psycopg connection (autocommit) to dbname (default: the lake database)."""
        import psycopg
        return psycopg.connect(self.libpq_for(dbname or self.dbname), autocommit=True, **kw)

    def stop(self) -> None:
        t0 = time.perf_counter()
        try:
            if self._running:
                self._running = False
                self._run(str(self.bin / "pg_ctl"), "-D", str(self.datadir), "-m", "immediate", "-w",
                          "stop", check=False)
        finally:
            if self.tmp is not None:
                shutil.rmtree(self.tmp, ignore_errors=True)
                self.tmp = None
            try:
                atexit.unregister(self.stop)
            except Exception:
                pass
        self.timings["stop"] = time.perf_counter() - t0

    def __enter__(self) -> "PgServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


if __name__ == "__main__":  # smoke test / timing
    t = time.perf_counter()
    with PgServer() as pg:
        print("dsn  ", pg.dsn)
        print("libpq", pg.libpq)
        out = subprocess.run([str(pg.bin / "psql"), "-h", "127.0.0.1", "-p", str(pg.port), "-U", pg.user,
                              "-d", pg.dbname, "-Atc", "select version(), current_setting('lc_messages')"],
                             capture_output=True, text=True, env=pg._env())
        print(out.stdout.strip(), out.stderr.strip())
    print({k: round(v, 3) for k, v in pg.timings.items()}, "total", round(time.perf_counter() - t, 3))
