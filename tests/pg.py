"""The real PostgreSQL on 127.0.0.1:5432 for tests: a fresh schema per test, dropped afterwards.

Unreachable server: the test is skipped, unless IPBOT_REQUIRE_POSTGRES=1 (CI), where it fails.
"""

from __future__ import annotations

import asyncio
import os
import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

PG_URL = os.environ.get("IPBOT_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
_pg_unreachable: str | None = None  # remembered so a dead server costs one timeout, not one per test


async def create_pg_schema() -> str:
    global _pg_unreachable
    if _pg_unreachable is None:
        name = f"ipbot_test_{uuid.uuid4().hex[:12]}"
        engine = create_async_engine(PG_URL, connect_args={"timeout": 3})
        try:
            async with asyncio.timeout(5), engine.begin() as conn:
                await conn.execute(sa.schema.CreateSchema(name))
            return name
        except (OSError, TimeoutError, sa.exc.DBAPIError) as exc:
            _pg_unreachable = f"{type(exc).__name__}: {exc}"
        finally:
            await engine.dispose()
    if os.environ.get("IPBOT_REQUIRE_POSTGRES") == "1":
        pytest.fail(
            f"IPBOT_REQUIRE_POSTGRES=1 but PostgreSQL at {PG_URL} is unreachable: {_pg_unreachable}",
            pytrace=False,
        )
    pytest.skip(f"PostgreSQL at {PG_URL} unreachable: {_pg_unreachable}")


async def drop_pg_schema(name: str) -> None:
    engine = create_async_engine(PG_URL)
    try:
        async with engine.begin() as conn:
            await conn.execute(sa.schema.DropSchema(name, cascade=True))
    finally:
        await engine.dispose()




class OwnedCluster:
    """A PostgreSQL cluster the test owns: ``initdb`` into a temporary directory, ``pg_ctl`` on a free
    port of 127.0.0.1 (never the shared server on 5432, which must never be restarted).

    Run as the ``postgres`` system user when the tests run as root (initdb refuses root). ``stop``,
    ``start`` and ``restart`` are the server going away and coming back under the bot's feet.
    Skipped (or failed under IPBOT_REQUIRE_POSTGRES=1) when no PostgreSQL binaries are installed.
    """

    def __init__(self) -> None:
        import glob
        import shutil
        import tempfile

        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        initdb = found[-1] if found else shutil.which("initdb")
        if initdb is None:
            if os.environ.get("IPBOT_REQUIRE_POSTGRES") == "1":
                pytest.fail("IPBOT_REQUIRE_POSTGRES=1 but no initdb is installed", pytrace=False)
            pytest.skip("no PostgreSQL binaries (initdb) to run a cluster of the test's own")
        self.bin = os.path.dirname(initdb)
        # Its own directory under /tmp: pytest's tmp_path lies under a root-only directory, which
        # the postgres user could not enter.
        self.directory = tempfile.mkdtemp(prefix="ipbot-pg-")
        self.data = os.path.join(self.directory, "data")
        self.port = _free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str, check: bool = True) -> None:
        import subprocess

        command = list(args)
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, check=False, capture_output=True, timeout=120, text=True)
        if check and done.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed ({done.returncode}): {done.stderr.strip()}")

    def init(self) -> OwnedCluster:
        import shutil

        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres")
        self._run(f"{self.bin}/initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8",
                  "--no-sync")
        with open(os.path.join(self.data, "postgresql.conf"), "a", encoding="utf-8") as conf:
            conf.write(f"\nport = {self.port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = ''\n"
                       "fsync = off\nshared_buffers = 16MB\nmax_connections = 40\n")
        return self

    def start(self) -> None:
        self._run(f"{self.bin}/pg_ctl", "-D", self.data, "-l", os.path.join(self.directory, "log"), "-w",
                  "-t", "60", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run(f"{self.bin}/pg_ctl", "-D", self.data, "-m", mode, "-w", "-t", "60", "stop", check=False)

    def remove(self) -> None:
        import shutil

        self.stop("immediate")
        shutil.rmtree(self.directory, ignore_errors=True)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port
