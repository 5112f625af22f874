"""The result as a page: bar chart, total, each benefit with its clause quoted, assumptions folded.

Built from the engine's assessment (the same one the chat's result text comes from), grouped and
totalled as the chat does (:func:`eligibility.evaluate.totals`). A share link carries only what
this page shows of the result (benefit ids, verdicts, amounts), never the answers that led to it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from html import escape
from typing import Any

from bot.channels.web.render import Bar, bar_chart, sanitize
from bot.dialog.views import totals
from bot.present.i18n import text
from bot.present.report import Renderer
from eligibility.results import Amount, Assessment, BenefitResult
from knowledge.models import KnowledgeBase, Lang, Text

__all__ = ["ResultData", "from_assessment", "from_share", "render_result", "share_payload"]

_SHOWN = ("eligible", "competitive", "undetermined")
_CODES = {"eligible": "e", "competitive": "c", "undetermined": "u"}
_STATUS = {v: k for k, v in _CODES.items()}


@dataclass(frozen=True)
class ResultData:
    as_of: date
    in_force: bool
    valid_until: date
    results: tuple[BenefitResult, ...]  # eligible, competitive, undetermined (and ineligible, live only)
    notes: tuple[Text, ...]  # the readings applied
    shared: bool = False


def from_assessment(a: Assessment, topic: str | None) -> ResultData:
    results = tuple(r for r in a.results if topic is None or r.benefit.topic == topic)
    used = [x for r in results if r.status in ("eligible", "competitive") for x in r.assumptions]
    notes = tuple(dict.fromkeys([*a.assumptions, *used]))
    return ResultData(a.as_of, a.policy_in_force, a.validity.valid_until, results, notes)


def share_payload(data: ResultData, lang: Lang) -> dict[str, Any]:
    """What a share link carries: verdicts and amounts per benefit id; no fact, no answer, no person."""
    rows = [[r.benefit.id, _CODES[r.status], *( [r.amount.min, r.amount.max] if r.amount else [])]
            for r in data.results if r.status in _SHOWN]
    return {"v": 1, "d": data.as_of.isoformat(), "l": lang, "f": 1 if data.in_force else 0,
            "u": data.valid_until.isoformat(), "r": rows}


def from_share(kb: KnowledgeBase, payload: dict[str, Any]) -> ResultData:
    """The shared result again; benefits the knowledge base no longer has are left out. ValueError if malformed."""
    results: list[BenefitResult] = []
    ids = {b.id for b in kb.benefits}
    for row in payload.get("r") or []:
        if not isinstance(row, list) or len(row) not in (2, 4) or row[0] not in ids or row[1] not in _STATUS:
            continue
        amount = Amount(int(row[2]), int(row[3])) if len(row) == 4 else None
        b = kb.benefit(row[0])
        results.append(BenefitResult(b, _STATUS[row[1]], amount, (), (), tuple(b.assumptions)))  # type: ignore[arg-type]
    used = [x for r in results if r.status in ("eligible", "competitive") for x in r.assumptions]
    return ResultData(date.fromisoformat(str(payload["d"])), bool(payload.get("f")),
                      date.fromisoformat(str(payload["u"])), tuple(results), tuple(dict.fromkeys(used)), shared=True)


def _clause(r: BenefitResult, lang: Lang, t: Callable[..., str]) -> str:
    return (f'<details><summary>{escape(t("web.result.clause"))}</summary>'
            f'<blockquote lang="zh-CN">{escape(r.benefit.source)}</blockquote></details>')


def render_result(data: ResultData, r: Renderer, lang: Lang, t: Callable[..., str],
                  cat: Callable[..., str], *, share_url: str = "", share_until: str = "") -> str:
    """The result section. ``t`` gives the page's texts (web.*); ``cat`` the chat's (dlg.*), as HTML."""
    by = {s: [x for x in data.results if x.status == s] for s in (*_SHOWN, "ineligible")}
    eligible_total, competitive_total = totals(by["eligible"] + by["competitive"])
    out = [f'<section class="result" aria-labelledby="result-h"><h2 id="result-h">{escape(t("web.result.title"))}</h2>']
    if not data.in_force:
        out.append(f'<p class="warn">{sanitize(cat("dlg.result.expired", date=data.valid_until.isoformat()))}</p>')
    total = cat("dlg.result.total", amount=escape(r.amount(eligible_total, lang)))
    bounds = f'data-min="{eligible_total.min}" data-max="{eligible_total.max}"'
    out.append(f'<p class="total" {bounds}>{sanitize(total)}</p>')
    if competitive_total.max:
        more = cat("dlg.result.total_competitive", amount=escape(r.yuan(competitive_total.max, lang)))
        out.append(f"<p>{sanitize(more)}</p>")
    bars = [Bar(text(x.benefit.title, lang), x.amount.max, x.amount.min, r.amount(x.amount, lang), x.status)
            for x in by["eligible"] + by["competitive"] if x.amount is not None and x.amount.max > 0]
    legend = {k: t(f"web.result.legend_{k}") for k in ("eligible", "competitive") if any(x.kind == k for x in bars)}
    out.append(bar_chart(bars, t("web.result.chart"), legend))
    for status in _SHOWN:
        group: Sequence[BenefitResult] = by[status]
        if not group:
            continue
        out.append(f'<h3>{sanitize(cat(f"dlg.result.{status}"))}</h3><ul class="benefits">')
        for x in group:
            ref = escape(r.ref(x.benefit.ref, lang))
            amount = f' <strong>{escape(r.amount(x.amount, lang))}</strong>' if x.amount is not None else ""
            extra = ""
            if status == "competitive" and x.benefit.award.quota is not None:
                n = r.quota_count(x.benefit, lang)
                review = cat("dlg.result.review_expert" if x.benefit.award.expert_review
                             else "dlg.result.review_select")
                extra = f'<br><small>{sanitize(cat("dlg.result.quota", quota=escape(n), review=review))}</small>'
            if status == "undetermined" and x.missing:
                facts = cat("list_sep").join(escape(r.fact_label(f, lang)) for f in x.missing)
                extra = f'<br><small>{sanitize(cat("dlg.result.missing", facts=facts))}</small>'
            bounds = f' data-min="{x.amount.min}" data-max="{x.amount.max}"' if x.amount is not None else ""
            out.append(f'<li data-benefit="{escape(x.benefit.id)}" data-status="{status}"{bounds}>'
                       f'<span class="bt">{escape(text(x.benefit.title, lang))}</span>{amount} '
                       f'<span class="ref">{ref}</span>{extra}{_clause(x, lang, t)}</li>')
        out.append("</ul>")
    if not by["eligible"] and not by["competitive"]:
        out.append(f'<p>{sanitize(cat("dlg.result.none"))}</p>')
    if by["ineligible"]:
        items = "".join(
            f'<li>{escape(text(x.benefit.title, lang))}: '
            f'{escape(cat("list_sep").join(r.reason(x.benefit, y, lang) for y in x.reasons))}</li>'
            for x in by["ineligible"])
        out.append(f'<details class="inel"><summary>{escape(t("web.result.ineligible", n=len(by["ineligible"])))}'
                   f'</summary>'
                   f'<ul class="small">{items}</ul></details>')
    if data.notes:
        items = "".join(f"<li>{escape(text(n, lang))}</li>" for n in data.notes)
        out.append(f'<details><summary>{escape(t("web.result.assumptions"))}</summary><ul class="small">{items}</ul>'
                   f'</details>')
    kb = r.kb
    agency = cat("dlg.result.agency", agency=escape(text(kb.policy.implementing_agencies, lang)))
    out.append(f'<p class="small">{sanitize(agency)}</p>')
    out.append(f'<p class="disclaimer">{escape(text(kb.policy.disclaimer, lang))}</p>')
    out.append(f'<p class="small">{escape(t("web.result.as_of", date=data.as_of.isoformat()))}</p>')
    if share_url:
        out.append(f'<p class="share"><a href="{escape(share_url)}" rel="nofollow">{escape(t("web.result.share"))}</a> '
                   f'<small>{escape(t("web.result.share_until", date=share_until))}</small></p>')
    out.append(f'<p class="noprint"><button type="button" class="btn nav" data-print hidden>'
               f'{escape(t("web.result.print"))}</button></p></section>')
    return "".join(out)
