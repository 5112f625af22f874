"""The bot as ``make run`` starts it: ``python -m bot`` as a child process, against the fake Bot API.

:func:`bot_process` starts one (and kills it if a test leaves it running) and :func:`outputs` waits
for it to end; :class:`ProcessHarness` is the end-to-end harness over such a process (launch,
SIGKILL, SIGTERM), its stderr feeding the update log. The child's environment is this one's without
any ipbot, Telegram or database setting, plus what the test gives (:func:`bot_environment`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

from fakes.bot_api import FakeBotApi
from fakes.telegram_bot import STAFF, WAIT, Harness, UpdateLog, make_settings

ROOT = Path(__file__).parents[2]
BOT_COMMAND = (sys.executable, "-m", "bot")


def bot_environment(fake: FakeBotApi, data_dir: Path, **env: str) -> dict[str, str]:
    """The child's environment: talking to ``fake``, keeping its data in ``data_dir``, then ``env``."""
    environment = {k: v for k, v in os.environ.items()
                   if not k.startswith(("TELEGRAM_", "WEBHOOK_", "IPBOT_", "DATABASE_"))}
    environment.update({
        "TELEGRAM_BOT_TOKEN": fake.token, "TELEGRAM_API_BASE_URL": fake.base_url,
        "IPBOT_DATA_DIR": str(data_dir), "PTB_TIMEDELTA": "true", "LOG_LEVEL": "INFO", "PYTHONPATH": str(ROOT),
        **env,
    })
    return environment


@contextlib.asynccontextmanager
async def bot_process(tmp_path: Path, fake: FakeBotApi, **env: str) -> AsyncIterator[asyncio.subprocess.Process]:
    """``python -m bot`` in ``tmp_path`` (its data in ``tmp_path / "data"``), stdout and stderr piped;
    killed on the way out if it is still running."""
    process = await asyncio.create_subprocess_exec(
        *BOT_COMMAND, cwd=tmp_path, env=bot_environment(fake, tmp_path / "data", **env),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        yield process
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def outputs(process: asyncio.subprocess.Process, timeout: float = 30) -> tuple[str, str]:
    """What the process wrote (stdout, stderr) once it has exited, within ``timeout`` seconds."""
    async with asyncio.timeout(timeout):
        out, err = await process.communicate()
    return out.decode(errors="replace"), err.decode(errors="replace")


class ProcessHarness(Harness):
    """``python -m bot`` as ``make run`` starts it; its stderr lines feed the harness's update log.

    ``launch`` starts a process, ``kill`` SIGKILLs it (nothing runs on the way out), ``stop`` ends it
    with SIGTERM. The settings are those of the child's environment (``env``).
    """

    def __init__(self, fake: FakeBotApi, workdir: Path, updates: UpdateLog, env: dict[str, str]) -> None:
        super().__init__(fake, make_settings(fake.token, fake.base_url, workdir / "data"), updates)
        self.workdir = workdir
        self.env = env
        self.stderr: list[str] = []
        self.process: asyncio.subprocess.Process | None = None
        self._reader: asyncio.Task[None] | None = None

    async def launch(self) -> None:
        assert self.process is None, "already running"
        environment = bot_environment(self.fake, self.workdir / "data", IPBOT_STAFF_USER_IDS=f"[{STAFF}]",
                                      IPBOT_CHAT_RATE_LIMIT="0", **self.env)
        # Up once it polls, or (webhook mode) once it has told the fake where to send.
        ready = "setWebhook" if "WEBHOOK_URL" in self.env else "getUpdates"
        polls = len(self.fake.calls_of(ready))
        self.process = await asyncio.create_subprocess_exec(
            *BOT_COMMAND, cwd=self.workdir, env=environment,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
        self._reader = asyncio.create_task(self._read(self.process))
        async with asyncio.timeout(30):  # until it is up and polling, or gone
            while len(self.fake.calls_of(ready)) <= polls:
                if self.process.returncode is not None:
                    await self._reader
                    raise AssertionError(f"the bot exited with {self.process.returncode}:\n"
                                         + "\n".join(self.stderr[-30:]))
                await asyncio.sleep(0.02)

    async def _read(self, process: asyncio.subprocess.Process) -> None:
        assert process.stderr is not None
        async for raw in process.stderr:
            line = raw.decode(errors="replace").rstrip("\n")
            self.stderr.append(line)
            self.updates.handle(logging.makeLogRecord({"msg": line}))

    async def kill(self) -> None:
        """SIGKILL: no shutdown, no flush, whatever was in flight is gone."""
        await self._end(signal.SIGKILL)

    async def stop(self) -> None:
        await self._end(signal.SIGTERM)

    async def _end(self, sig: signal.Signals) -> None:
        process, reader, self.process, self._reader = self.process, self._reader, None, None
        if process is None:
            return
        if process.returncode is None:
            process.send_signal(sig)
        try:
            async with asyncio.timeout(WAIT):
                await process.wait()
        except TimeoutError:
            process.kill()
            await process.wait()
        if reader is not None:
            async with asyncio.timeout(WAIT):
                await reader


@contextlib.asynccontextmanager
async def process_harness(workdir: Path, *, deliver_webhooks: bool = False, **env: str
                          ) -> AsyncIterator[ProcessHarness]:
    async with FakeBotApi(deliver_webhooks=deliver_webhooks) as fake:
        harness = ProcessHarness(fake, workdir, UpdateLog(), env)
        try:
            yield harness
        finally:
            await harness.stop()
            print(harness.dump())
            print("\n".join(harness.stderr))
