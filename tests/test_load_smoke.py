"""The load benchmark in miniature: 20 chats through the real bot processes, correctness only.

Runs ``python -m bench.load_bench`` as ``make bench-load`` does, with few chats and no pacing, and
asserts what must hold at any load: no error, no lost or duplicated reply, every chat finished
with the right result and the right stored facts. Timings are the benchmark's business, never
asserted here.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from pg import PG_URL, create_pg_schema, drop_pg_schema

ROOT = Path(__file__).resolve().parents[1]
CHATS = 20

pytestmark = pytest.mark.slow


async def run_bench(*args: str) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.load_bench", "--chats", str(CHATS), "--concurrency", "10", "--rate", "0",
        "--reply-timeout", "10", "--max-seconds", "60", "--json", *args,
        cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        async with asyncio.timeout(180):
            out, err = await process.communicate()
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0, err.decode()[-3000:]
    [result] = json.loads(out)
    return dict(result)


def assert_correct(result: dict[str, Any]) -> None:
    assert result["error_samples"] == [] and result["errors"] == 0
    assert result["lost"] == 0
    assert result["duplicated"] == 0
    assert result["chats_completed"] == CHATS
    assert result["results_right"] == CHATS
    assert result["facts_right"] == CHATS


async def test_one_process_on_sqlite_answers_every_chat_right() -> None:
    result = await run_bench("--config", "sqlite")
    assert_correct(result)


@pytest.mark.postgres
async def test_two_replicas_on_postgres_answer_every_chat_right() -> None:
    schema = await create_pg_schema()
    try:
        result = await run_bench("--config", "postgres", "--pg-url", PG_URL, "--schema", schema)
    finally:
        await drop_pg_schema(schema)
    assert_correct(result)
    assert result["chats_on_both_replicas"] == CHATS  # every chat hopped between the replicas
