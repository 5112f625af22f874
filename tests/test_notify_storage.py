"""The agency's tables in the store's numbered migrations: a database of the previous schema (version 2, with
the agency's own plain tables of that time and their rows) is upgraded with its data intact; keys are keyed
hashes and chat ids sealed; /forget deletes what the tables hold of a user."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import date
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from bot.agency.subscriptions import Subscriptions
from bot.channels.dashboard.unanswered import UnansweredLog
from bot.storage.crypto import Sealer
from bot.storage.factory import open_store
from bot.storage.migrations import latest, migrations
from pg import PG_URL, create_pg_schema, drop_pg_schema

SECRET = b"the-operator's-secret"
SNAPSHOT = {"benefits": {}, "eligible": [300000, 300000], "competitive": [0, 0]}
FACTS = {"entity_type": "enterprise", "in_city": True}
# The agency's tables as it made them itself before version 3 (CREATE TABLE IF NOT EXISTS, plain keys).
LEGACY = [
    "CREATE TABLE agency_subscriptions (user_key TEXT PRIMARY KEY, chat_id BIGINT NOT NULL, lang TEXT NOT NULL, "
    "facts TEXT NOT NULL, as_of TEXT NOT NULL, snapshot TEXT NOT NULL, kb_version TEXT NOT NULL, "
    "updated_at TEXT NOT NULL)",
    "CREATE TABLE agency_notices (user_key TEXT NOT NULL, kb_version TEXT NOT NULL, status TEXT NOT NULL, "
    "message TEXT NOT NULL, snapshot TEXT NOT NULL, updated_at TEXT NOT NULL, PRIMARY KEY (user_key, kb_version))",
    "CREATE TABLE agency_unanswered (day TEXT NOT NULL, user_key TEXT NOT NULL, lang TEXT NOT NULL, "
    "text TEXT NOT NULL)",
]
LEGACY_ROWS: list[tuple[str, tuple[Any, ...]]] = [
    ("INSERT INTO agency_subscriptions VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
     ("tg:7101", 7101, "en", json.dumps(FACTS), "2025-06-01", json.dumps(SNAPSHOT), "v-old", "2025-06-01T00:00:00")),
    ("INSERT INTO agency_subscriptions VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
     ("tg:7102", 7102, "zh", json.dumps(FACTS), "2025-06-01", json.dumps(SNAPSHOT), "v-old", "2025-06-01T00:00:00")),
    ("INSERT INTO agency_notices VALUES (?, ?, ?, ?, ?, ?)",
     ("tg:7102", "v-new", "pending", "政策调整提醒：……", json.dumps(SNAPSHOT), "2025-06-02T00:00:00")),
    ("INSERT INTO agency_unanswered VALUES (?, ?, ?, ?)", ("2025-06-01", "tg-user:7101", "zh", "员工食堂有补贴吗")),
]
SESSION = ("tg:7101", "tg-user:7101", {"lang": "en", "mode": "done", "facts": FACTS})

Exec = Callable[[str, tuple[Any, ...]], Awaitable[None]]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def previous(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[tuple[str, str | None]]:
    """A database at schema version 2 with a session, the agency's old tables and their rows: (url, schema)."""
    dialect = "sqlite" if request.param == "sqlite" else "postgres"
    statements = [s for _, _, file in migrations(dialect)[:2] for s in file]
    schema: str | None = None
    if dialect == "sqlite":
        import sqlite3

        path = tmp_path / "old.db"
        db = sqlite3.connect(path)
        try:
            for sql in [*statements, *LEGACY, "CREATE TABLE schema_version (version INTEGER NOT NULL)"]:
                db.execute(sql)
            db.execute("INSERT INTO schema_version VALUES (2)")
            for sql, args in LEGACY_ROWS:
                db.execute(sql, args)
            db.execute("INSERT INTO sessions VALUES (?, ?, ?, 1, '2025-06-01 10:00:00.000000')",
                       (SESSION[0], SESSION[1], json.dumps(SESSION[2])))
            db.commit()
        finally:
            db.close()
        url = f"sqlite:///{path}"
    else:
        schema = await create_pg_schema()
        url = PG_URL
        conn = await asyncpg.connect(PG_URL.replace("+asyncpg", ""), server_settings={"search_path": schema})
        try:
            for sql in [*statements, *LEGACY, "CREATE TABLE schema_version (version INTEGER NOT NULL)"]:
                await conn.execute(sql)
            await conn.execute("INSERT INTO schema_version VALUES (2)")
            for sql, args in LEGACY_ROWS:
                n = iter(range(1, 20))
                await conn.execute("".join(f"${next(n)}" if ch == "?" else ch for ch in sql), *args)
            await conn.execute("INSERT INTO sessions VALUES ($1, $2, $3, 1, now())", SESSION[0], SESSION[1],
                               json.dumps(SESSION[2]))
        finally:
            await conn.close()
    try:
        yield url, schema
    finally:
        if schema is not None:
            await drop_pg_schema(schema)


async def raw_rows(url: str, schema: str | None, sql: str) -> list[tuple[Any, ...]]:
    if schema is None:
        import sqlite3

        db = sqlite3.connect(url.removeprefix("sqlite:///"))
        try:
            return [tuple(r) for r in db.execute(sql)]
        finally:
            db.close()
    conn = await asyncpg.connect(PG_URL.replace("+asyncpg", ""), server_settings={"search_path": schema})
    try:
        return [tuple(r) for r in await conn.fetch(sql)]
    finally:
        await conn.close()


async def test_the_previous_schema_is_upgraded_with_its_subscribers_notices_and_questions(
        previous: tuple[str, str | None]) -> None:
    url, schema = previous
    for opening in range(2):  # adopted on the first open; the second finds nothing left to do
        subs = Subscriptions(url, schema=schema, id_secret=SECRET)
        log = UnansweredLog(url, schema=schema, id_secret=SECRET)
        try:
            found = {s.chat_id: s for s in await subs.subscribers()}
            assert set(found) == {7101, 7102}, opening
            assert found[7101].lang == "en" and found[7101].facts == FACTS and found[7101].snapshot == SNAPSHOT
            assert found[7101].as_of == date(2025, 6, 1) and found[7101].kb_version == "v-old"
            [notice] = await subs.pending("v-new")
            assert (notice.chat_id, notice.message) == (7102, "政策调整提醒：……")
            assert await log.between(date(2025, 6, 1), date(2025, 6, 1)) == [("2025-06-01", "zh", "员工食堂有补贴吗")]
        finally:
            await subs.close()
            await log.close()

    # The store's own data came through (its version-2 rows rewritten as before), and the schema is the latest.
    async with open_store(url, schema=schema, id_secret=SECRET) as store:
        loaded = await store.load(SESSION[0])
        assert loaded is not None and loaded.state == SESSION[2]
    assert await raw_rows(url, schema, "SELECT version FROM schema_version") == [(latest("sqlite"),)]
    if schema is None:
        tables = {r[0] for r in await raw_rows(url, schema, "SELECT name FROM sqlite_master WHERE type = 'table'")}
    else:
        tables = {r[0] for r in await raw_rows(url, schema, "SELECT tablename FROM pg_tables "
                                                            f"WHERE schemaname = '{schema}'")}
    assert not {t for t in tables if t.startswith("agency_")}, tables  # the old tables are gone
    subscribers = await raw_rows(url, schema, "SELECT user_key, chat, facts, snapshot FROM policy_subscriptions")
    notices = await raw_rows(url, schema, "SELECT user_key, message, snapshot FROM policy_notices")
    questions = await raw_rows(url, schema, "SELECT user_key FROM unanswered_questions")
    assert len(subscribers) == 2 and len(notices) == 1 and len(questions) == 1
    for key, *sealed in [*subscribers, *notices, *questions]:  # keys hashed, everything read back sealed
        assert key.startswith("h1:") and all(str(v).startswith("e1:") for v in sealed)

    # /forget reaches the adopted rows: the keys were hashed as new ones are.
    subs, log = Subscriptions(url, schema=schema, id_secret=SECRET), UnansweredLog(url, schema=schema, id_secret=SECRET)
    try:
        assert await subs.forget("tg:7102") == 2
        assert await log.forget("tg:7101", "tg-user:7101") == 1
        assert [s.chat_id for s in await subs.subscribers()] == [7101]
    finally:
        await subs.close()
        await log.close()


async def test_a_subscription_opens_only_with_the_id_secret(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ipbot.db'}"
    subs = Subscriptions(url, id_secret=SECRET)
    try:
        assert await subs.subscribe("tg:7201", 7201, "zh", FACTS, date(2025, 6, 1), SNAPSHOT, "v1")
        assert not await subs.subscribe("tg:7201", 7201, "zh", FACTS, date(2025, 6, 2), SNAPSHOT, "v1")  # a refresh
        [(key,)] = await subs._run("SELECT user_key FROM policy_subscriptions")
        assert key == Sealer(SECRET).hash("tg:7201") and key != Sealer().hash("tg:7201")
    finally:
        await subs.close()
    other = Subscriptions(url, id_secret=b"another secret")
    try:
        assert not await other.is_subscribed("tg:7201")  # another secret finds nobody...
        with pytest.raises(Exception, match="does not open"):
            await other.subscribers()  # ...and opens nothing
    finally:
        await other.close()
