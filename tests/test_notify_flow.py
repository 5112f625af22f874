"""Policy-change notices end to end: subscribers stored, a new knowledge base loaded, exactly the users
whose results changed told once, in their language, through the fake Bot API; resumable; /forget."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import aiohttp
import pytest

from bot.agency.kb_version import kb_version
from bot.agency.notifier import SendOutcome, notify, user_hash
from bot.agency.subscriptions import Subscriptions
from bot.agency.telegram_notify import BotApiSender, on_optin
from bot.cli import main
from bot.present.i18n import Catalog
from bot.storage.crypto import Sealer
from eligibility.evaluate import policy_validity
from eligibility.results import Facts
from fakes.bot_api import FakeBotApi
from fakes.kb import edited_kb
from knowledge.loader import DATA_DIR, load_knowledge_base
from knowledge.models import KnowledgeBase
from pg import PG_URL, create_pg_schema, drop_pg_schema

TODAY = date(2025, 6, 1)
OLD = kb_version(DATA_DIR)
ABOVE_CAP: Facts = {"entity_type": "enterprise", "in_city": True, "pledge_loan_interest_paid_yuan": 3_000_000}
UNDER_CAP: Facts = {"entity_type": "enterprise", "in_city": True, "pledge_loan_interest_paid_yuan": 400_000}
USERS = {  # user key: (chat id, language, facts)
    "tg:101": (101, "zh", ABOVE_CAP),
    "tg:102": (102, "en", ABOVE_CAP),
    "tg:103": (103, "zh", UNDER_CAP),
}


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def subs(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Subscriptions]:
    schema = None
    if request.param == "sqlite":
        s = Subscriptions(f"sqlite:///{tmp_path / 'ipbot.db'}")
    else:
        schema = await create_pg_schema()
        s = Subscriptions(PG_URL, schema=schema)
    try:
        yield s
    finally:
        await s.close()
        if schema is not None:
            await drop_pg_schema(schema)


@pytest.fixture
def new_kb_dir(tmp_path: Path) -> Path:
    """（四）1's yearly cap raised from 1,000,000 to 1,200,000 yuan."""
    return edited_kb(tmp_path, "cap: 1000000, cap_scope: per_enterprise_per_year",
                     "cap: 1200000, cap_scope: per_enterprise_per_year")


async def opt_in_everyone(subs: Subscriptions, kb: KnowledgeBase, catalog: Catalog) -> None:
    for key, (chat, lang, facts) in USERS.items():
        new, reply = await on_optin(subs, kb, policy_validity(kb), catalog, OLD, key, chat,
                                    lang, facts, TODAY)  # type: ignore[arg-type]
        assert new and reply == catalog.t(lang, "notify.optin_done")  # type: ignore[arg-type]


async def test_exactly_the_users_whose_results_changed_are_told_once(
        subs: Subscriptions, kb: KnowledgeBase, catalog: Catalog, new_kb_dir: Path) -> None:
    await opt_in_everyone(subs, kb, catalog)
    new_kb, version = load_knowledge_base(new_kb_dir), kb_version(new_kb_dir)
    assert version != OLD
    async with FakeBotApi() as fake, aiohttp.ClientSession() as http:
        send = BotApiSender(http, fake.token, fake.base_url)
        report = await notify(subs, new_kb, policy_validity(new_kb), catalog, version, send, rate=0)
        assert (report.sent, report.unchanged) == (2, 1)
        [zh] = fake.texts_to(101)
        assert "（四）1 知识产权质押贷款贴息：上限由100万元调整为120万元，您的预计金额从100万元变为120万元" in zh
        [en] = fake.texts_to(102)
        assert "from 1,000,000 yuan to 1,200,000 yuan" in en
        assert fake.texts_to(103) == []

        # /reload again, or a restart on the same knowledge base: nobody is told twice.
        again = await notify(subs, new_kb, policy_validity(new_kb), catalog, version, send, rate=0)
        assert (again.sent, again.compared) == (0, 0)
        assert len(fake.calls_of("sendMessage")) == 2
    assert await subs.counts(version) == {"sent": 2}


async def test_a_run_stopped_half_way_resumes_without_repeating(
        subs: Subscriptions, kb: KnowledgeBase, catalog: Catalog, new_kb_dir: Path) -> None:
    await opt_in_everyone(subs, kb, catalog)
    new_kb, version = load_knowledge_base(new_kb_dir), kb_version(new_kb_dir)
    delivered: list[int] = []

    async def crashing_send(chat_id: int, text: str) -> SendOutcome:
        if delivered:
            raise KeyboardInterrupt  # the process is stopped during the second send
        delivered.append(chat_id)
        return "sent"

    with pytest.raises(KeyboardInterrupt):
        await notify(subs, new_kb, policy_validity(new_kb), catalog, version, crashing_send, rate=0)
    assert len(delivered) == 1 and delivered[0] in (101, 102)  # in the order of the hashed keys
    first = delivered[0]

    async def send(chat_id: int, text: str) -> SendOutcome:
        delivered.append(chat_id)
        return "sent"

    report = await notify(subs, new_kb, policy_validity(new_kb), catalog, version, send, rate=0)
    # The other notice was claimed when the process stopped: it may have gone out, so it is not sent again.
    assert delivered == [first] and report.sent == 0
    assert await subs.counts(version) == {"sent": 1, "sending": 1}


async def test_a_bot_api_outage_postpones_and_the_next_run_sends(
        subs: Subscriptions, kb: KnowledgeBase, catalog: Catalog, new_kb_dir: Path) -> None:
    await opt_in_everyone(subs, kb, catalog)
    new_kb, version = load_knowledge_base(new_kb_dir), kb_version(new_kb_dir)
    async with FakeBotApi() as fake, aiohttp.ClientSession() as http:
        send = BotApiSender(http, fake.token, fake.base_url)
        fake.fail_next("sendMessage", status=502)
        first = await notify(subs, new_kb, policy_validity(new_kb), catalog, version, send, rate=0)
        assert (first.sent, first.postponed) == (0, 1)
        second = await notify(subs, new_kb, policy_validity(new_kb), catalog, version, send, rate=0)
        assert second.sent == 2
        assert len(fake.texts_to(101)) == len(fake.texts_to(102)) == 1


async def test_forget_deletes_the_subscription_and_its_notices(
        subs: Subscriptions, kb: KnowledgeBase, catalog: Catalog, new_kb_dir: Path) -> None:
    await opt_in_everyone(subs, kb, catalog)
    new_kb, version = load_knowledge_base(new_kb_dir), kb_version(new_kb_dir)

    async def send(chat_id: int, text: str) -> SendOutcome:
        return "sent"

    await notify(subs, new_kb, policy_validity(new_kb), catalog, version, send, rate=0)
    assert await subs.forget("tg:101") == 2
    assert not await subs.is_subscribed("tg:101")
    assert await subs.counts(version) == {"sent": 1}


def test_dry_run_lists_who_would_be_told_by_a_hash_only(tmp_path: Path, new_kb_dir: Path, kb: KnowledgeBase,
                                                         catalog: Catalog, monkeypatch: pytest.MonkeyPatch) -> None:
    import asyncio

    url = f"sqlite:///{tmp_path / 'ipbot.db'}"

    async def setup() -> None:
        s = Subscriptions(url)
        await opt_in_everyone(s, kb, catalog)
        await s.close()

    asyncio.run(setup())
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("IPBOT_KB_DIR", str(new_kb_dir))
    out = io.StringIO()
    assert main(["notify", "--dry-run"], out=out) == 0
    text = out.getvalue()
    assert "2 to notify, 1 unchanged" in text
    hashed = Sealer().hash
    assert user_hash(hashed("tg:101")) in text and user_hash(hashed("tg:102")) in text
    assert user_hash(hashed("tg:103")) not in text
    assert "tg:10" not in text and "300" not in text  # no user key, no figure of theirs
    assert "clause 4.1 amount" in text

    async def still_pending() -> dict[str, int]:
        s = Subscriptions(url)
        try:
            return await s.counts(kb_version(new_kb_dir))
        finally:
            await s.close()

    assert asyncio.run(still_pending()) == {}  # a dry run records nothing


async def test_a_new_version_that_changes_no_result_tells_nobody(
        subs: Subscriptions, kb: KnowledgeBase, catalog: Catalog, tmp_path: Path) -> None:
    """A clarified summary is a new version, but nobody's verdict or amount moves: no message."""
    await opt_in_everyone(subs, kb, catalog)
    root = edited_kb(tmp_path, "单个企业每年不超过100万元。", "单个企业每年贴息不超过100万元。")
    new_kb, version = load_knowledge_base(root), kb_version(root)
    assert version != OLD

    async def send(chat_id: int, text: str) -> SendOutcome:
        raise AssertionError("nobody is to be told")

    report = await notify(subs, new_kb, policy_validity(new_kb), catalog, version, send, rate=0)
    assert (report.compared, report.unchanged, report.sent) == (3, 3, 0)
    assert await subs.subscribers(not_at=version) == []


async def test_the_sender_waits_out_a_short_flood_control_and_leaves_a_long_one_for_the_next_run() -> None:
    async with FakeBotApi() as fake, aiohttp.ClientSession() as http:
        send = BotApiSender(http, fake.token, fake.base_url)
        fake.fail_next("sendMessage", status=429, retry_after=1)
        assert await send(101, "after a second") == "sent"  # retried by bot.retry after retry_after
        fake.fail_next("sendMessage", status=429, retry_after=30)
        assert await send(101, "too long a wait") == "later"  # known not delivered: the next run sends it
        fake.fail_next("sendMessage", status=403, description="Forbidden: bot was blocked by the user")
        assert await send(101, "blocked") == "refused"
        assert fake.texts_to(101) == ["after a second"]
        assert len(fake.calls_of("sendMessage")) == 4  # 429 + retry, one 429, one 403: nothing sent twice
