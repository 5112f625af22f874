"""Tell subscribers whose results a new knowledge base changes: one message each, once per version.

Run after ``/reload`` and at start (a start with a new knowledge base is a new version for every subscriber
whose stored result predates it). Each subscriber's stored facts are assessed again under the new knowledge
base and compared with their stored result (bot.agency.policy_diff); those with a difference get a notice,
recorded before it is sent (bot.agency.subscriptions), paced under Telegram's overall limit. ``plan`` is the
read-only half that ``ipbot notify --dry-run`` prints.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from bot.agency.policy_diff import PolicyDiff, diff, render, snapshot
from bot.agency.subscriptions import Subscriber, Subscriptions
from bot.present.i18n import Catalog, to_lang
from eligibility.errors import ProfileError
from eligibility.evaluate import assess
from eligibility.profile import validate_facts
from eligibility.results import Validity
from knowledge.models import KnowledgeBase

log = logging.getLogger(__name__)

SendOutcome = Literal["sent", "refused", "later", "uncertain"]
"""sent; refused for good (blocked, chat gone); later: known not delivered (429, 5xx); uncertain: a timeout."""
Send = Callable[[int, str], Awaitable[SendOutcome]]
DEFAULT_RATE = 25.0  # messages per second, under Telegram's 30


def user_hash(user_key: str) -> str:
    """What a dry run or a log line shows of a user."""
    return hashlib.sha256(user_key.encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True)
class Planned:
    subscriber: Subscriber
    diff: PolicyDiff
    message: str
    snapshot: dict[str, Any]


@dataclass
class Plan:
    version: str
    notify: list[Planned] = field(default_factory=list)
    unchanged: list[tuple[Subscriber, dict[str, Any]]] = field(default_factory=list)
    unreadable: list[tuple[Subscriber, str]] = field(default_factory=list)  # facts the new kb refuses
    already: int = 0  # a notice for this version exists (sent, or pending from a stopped run)


@dataclass
class Report:
    compared: int = 0
    unchanged: int = 0
    sent: int = 0
    refused: int = 0
    uncertain: int = 0
    postponed: int = 0
    unreadable: int = 0


async def plan(subs: Subscriptions, kb: KnowledgeBase, validity: Validity, cat: Catalog, version: str) -> Plan:
    """Who would be told what under ``version``; changes nothing.

    Each subscriber is assessed at the date of their stored result, so only the knowledge base differs
    between the two: the passing of time (the policy's end date) never passes for a policy change.
    """
    p = Plan(version)
    for sub in await subs.subscribers(not_at=version):
        await asyncio.sleep(0)  # one assessment at a time: a bot's event loop goes on answering people
        if await subs.notice_status(sub.user_key, version) is not None:
            p.already += 1
            continue
        try:
            facts = validate_facts(kb, sub.facts)
        except ProfileError as exc:
            p.unreadable.append((sub, str(exc)))
            continue
        new = snapshot(assess(kb, facts, sub.as_of, validity))
        d = diff(sub.snapshot, new)
        if d.changed:
            p.notify.append(Planned(sub, d, render(cat, to_lang(sub.lang), d), new))
        else:
            p.unchanged.append((sub, new))
    return p


async def notify(subs: Subscriptions, kb: KnowledgeBase, validity: Validity, cat: Catalog, version: str,
                 send: Send, *, rate: float = DEFAULT_RATE,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep, planned: Plan | None = None) -> Report:
    """Record and send this version's notices; safe to run again after a stop (or on two replicas).

    ``planned``: the plan of this version made just before (the caller counted it), not made again."""
    p = planned if planned is not None and planned.version == version else \
        await plan(subs, kb, validity, cat, version)
    report = Report(compared=len(p.notify) + len(p.unchanged), unreadable=len(p.unreadable))
    for sub, new in p.unchanged:
        await subs.move_to(sub.user_key, version, new)
        report.unchanged += 1
    for item in p.notify:
        await subs.add_notice(item.subscriber.user_key, version, item.message, item.snapshot)
    for sub, why in p.unreadable:
        log.warning("notify: user %s not compared under %s: %s", user_hash(sub.user_key), version, why)
    interval = 1.0 / rate if rate > 0 else 0.0
    for notice in await subs.pending(version):
        if not await subs.claim(notice.user_key, version):
            continue  # another process took it
        outcome = await send(notice.chat_id, notice.message)
        if outcome == "sent":
            await subs.finish(notice, "sent")
            report.sent += 1
        elif outcome == "refused":
            await subs.finish(notice, "failed")
            report.refused += 1
        elif outcome == "later":
            await subs.release(notice)
            report.postponed += 1
            log.warning("notify: Bot API unavailable; %s left for the next run", user_hash(notice.user_key))
            break
        else:
            report.uncertain += 1  # left 'sending': never sent twice
            log.warning("notify: no answer for %s; not sent again", user_hash(notice.user_key))
        if interval:
            await sleep(interval)
    return report


def dry_run_lines(p: Plan, cat: Catalog) -> list[str]:
    """One line per subscriber to be told: the hash of their key and the clauses whose result changes."""
    from bot.present.i18n import format_ref

    lines = [f"knowledge base {p.version}: {len(p.notify)} to notify, {len(p.unchanged)} unchanged, "
             f"{p.already} already handled, {len(p.unreadable)} not comparable"]
    for item in p.notify:
        what = ", ".join(f"{format_ref(c.ref, 'en', cat)} {_kind(c.old_status, c.new_status)}"
                         for c in item.diff.changes)
        lines.append(f"  user {user_hash(item.subscriber.user_key)} ({item.subscriber.lang}, "
                     f"{len(item.message)} chars): {what or 'totals'}")
    for sub, why in p.unreadable:
        lines.append(f"  user {user_hash(sub.user_key)}: not comparable ({why.split(':')[0]})")
    return lines


def _kind(old: str | None, new: str | None) -> str:
    return "amount" if old == new else f"{old or 'new'}->{new or 'removed'}"
