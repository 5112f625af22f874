"""The staff commands: ``/stats`` (usage counters over a period) and ``/reload`` (a new knowledge base).

Registered for the staff's user ids only (IPBOT_STAFF_USER_IDS); for anyone else they are unknown
commands. Here the texts they answer with; the handlers (``handlers.py``) send them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape

from bot.channels.telegram.render import tg_text
from bot.present.i18n import Catalog
from bot.present.i18n import text as kb_text
from bot.services import PolicyRuntime
from bot.storage.stats import StatsSummary, period
from knowledge.loader import KnowledgeBaseError
from knowledge.models import Lang

STATS_DEFAULT_DAYS = 30
STATS_MAX_DAYS = 3660
RELOAD_PROBLEMS_SHOWN = 40


def stats_period(args: Sequence[str], today: date) -> tuple[date, date] | None:
    """``[]`` the last 30 days, ``["7"]`` the last 7, ``["2025-01-01", "2025-01-31"]`` that span."""
    if not args:
        return period(today, STATS_DEFAULT_DAYS)
    if len(args) == 1 and args[0].isdigit():
        return period(today, min(max(int(args[0]), 1), STATS_MAX_DAYS))
    if len(args) == 2:
        try:
            start, end = date.fromisoformat(args[0]), date.fromisoformat(args[1])
        except ValueError:
            return None
        if start <= end and (end - start).days < STATS_MAX_DAYS:
            return start, end
    return None


def stats_report(engine: PolicyRuntime, summary: StatsSummary, lang: Lang, start: date, end: date) -> str:
    """The /stats answer: questions, help-desk replies, assessments, and the benefits asked about most."""
    catalog = engine.catalog

    def t(key: str, **params: object) -> str:
        return tg_text(catalog, lang, key, **params)

    lines = [
        t("tg.stats.title", start=start.isoformat(), end=end.isoformat(), days=(end - start).days + 1),
        t("tg.stats.questions", n=summary.total("question"), unanswered=summary.total("unanswered")),
        t("tg.stats.helpdesk", n=summary.total("helpdesk")),
        t("tg.stats.assessments", started=summary.total("assessment_started"),
          finished=summary.total("assessment_finished")),
        "",
        t("tg.stats.benefits"),
    ]
    benefits = {b.id: b for b in engine.kb.benefits}
    for i, (benefit_id, n) in enumerate(summary.benefits, start=1):
        b = benefits.get(benefit_id)  # None: removed from the knowledge base since
        name = kb_text(b.title, lang) if b else benefit_id
        ref = engine.renderer.ref(b.ref, lang) if b else "?"
        lines.append(t("tg.stats.benefit", i=i, name=escape(name), ref=escape(ref), n=n))
    if not summary.benefits:
        lines.append(t("tg.stats.none"))
    return "\n".join(lines)


def reload_problems(exc: BaseException) -> list[str]:
    """Why a new engine could not be built: the knowledge base's problems, or the error itself."""
    if isinstance(exc, KnowledgeBaseError):
        return [str(p) for p in exc.problems]
    return [f"{type(exc).__name__}: {exc}"]


def reload_refused(catalog: Catalog, lang: Lang, problems: Sequence[str]) -> str:
    """The /reload answer when the running knowledge base stays: the problems, the first 40."""
    return tg_text(catalog, lang, "tg.reload.refused") + "\n" + \
        "\n".join(f"• {escape(p)}" for p in problems[:RELOAD_PROBLEMS_SHOWN])


def reload_done(engine: PolicyRuntime, lang: Lang) -> str:
    """The /reload answer when the new knowledge base is in use: what it holds."""
    return tg_text(engine.catalog, lang, "tg.reload.ok", benefits=len(engine.kb.benefits),
                   facts=len(engine.kb.facts), clauses=len(engine.kb.policy.clauses))
