"""What the reliability section of the README promises, checked against every store: replays after
``/forget`` into the user's other sessions, and the idle-session sweep.

PostgreSQL tests use a fresh schema (dropped afterwards) on the server of ``tests/pg.py``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.dialog.model import CommandInput, TextInput
from bot.services import Conversations, PolicyRuntime, build_runtime
from bot.settings import Settings
from bot.storage.base import MemorySessionStore, SessionStore
from bot.storage.factory import open_store
from dialog_helpers import TODAY
from pg import PG_URL, create_pg_schema, drop_pg_schema

USER = "tg-user:6101"
PRIVATE, GROUP, BUSINESS = "tg:6101", "tg:-1006102:6101", "tg-biz:bc-6103"


@pytest.fixture(scope="module")
def engine() -> PolicyRuntime:
    return build_runtime(Settings())


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[SessionStore]:
    schema = None
    if request.param == "memory":
        opened: SessionStore = MemorySessionStore()
    elif request.param == "sqlite":
        opened = open_store(f"sqlite:///{tmp_path / 'sessions.db'}")
    else:
        schema = await create_pg_schema()
        opened = open_store(PG_URL, schema=schema)
    try:
        async with opened:
            yield opened
    finally:
        if schema is not None:
            await drop_pg_schema(schema)


# -- G1: /forget leaves a mark in every session it deletes ---------------------------------------------

async def test_an_old_update_replayed_into_the_users_other_sessions_after_forget_changes_nothing(
        engine: PolicyRuntime, store: SessionStore) -> None:
    talk = Conversations(engine, store)
    # The user assesses in a group (updates 100, 101) and has a business connection's settings (102).
    await talk.turn(GROUP, CommandInput("assess"), TODAY, user_key=USER, input_id="100")
    await talk.turn(GROUP, TextInput("企业"), TODAY, user_key=USER, input_id="101")
    await store.save(BUSINESS, {"v": 1, "off": []}, None, user_key=USER)
    await talk.turn(PRIVATE, CommandInput("assess"), TODAY, user_key=USER, input_id="103")

    forgot = await talk.turn(PRIVATE, CommandInput("forget"), TODAY, user_key=USER, input_id="110")
    assert forgot.after is None
    for key in (PRIVATE, GROUP, BUSINESS):
        assert await store.load(key) is None, key
        assert await store.input_mark(key) == "110", key  # each session deleted keeps the /forget's id

    # Old updates replayed (a network's or an attacker's) into the group: nothing comes back.
    for input_id, inp in (("101", TextInput("企业")), ("100", CommandInput("assess")),
                          ("105", TextInput("是"))):
        replayed = await talk.turn(GROUP, inp, TODAY, user_key=USER, input_id=input_id)
        assert not replayed.applied and replayed.replies == [], input_id
        assert await store.load(GROUP) is None, input_id
    # A new update after the /forget is a new conversation, as it should be.
    fresh = await talk.turn(GROUP, CommandInput("assess"), TODAY, user_key=USER, input_id="111")
    assert fresh.applied and await store.load(GROUP) is not None


async def test_a_user_deleted_without_a_mark_leaves_no_mark(store: SessionStore) -> None:
    """Erasure for other reasons (no update id to order by) keeps nothing, as before."""
    await store.save(GROUP, {"n": 1}, None, user_key=USER)
    assert await store.delete_user(USER) == 1
    assert await store.input_mark(GROUP) is None
    # And a mark only for the sessions deleted: someone else's session is neither deleted nor marked.
    await store.save("tg:6199", {"n": 2}, None, user_key="tg-user:6199")
    await store.save(BUSINESS, {"v": 1}, None, user_key=USER)
    assert await store.delete_user(USER, mark="120") == 1
    assert await store.input_mark(BUSINESS) == "120"
    assert await store.input_mark("tg:6199") is None
    assert await store.load("tg:6199") is not None
