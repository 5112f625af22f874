"""What a knowledge-base change means for one user: their results before and after, and the message.

Pure: no I/O, no clock. A :class:`Snapshot` is the part of an assessment a notice compares (per benefit its
status, amount and amount rule), small enough to store with a subscription and compare after a reload,
when the old knowledge base is gone. :func:`diff` compares two snapshots; :func:`render` words the
difference in the user's language, within Telegram's 4,096 characters.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.present.i18n import Catalog, format_ref, format_yuan
from eligibility.results import Assessment
from knowledge.models import Benefit, Lang

TELEGRAM_MAX_CHARS = 4096


def _rule(b: Benefit, on: date) -> dict[str, Any]:
    """The amount rule in force on the assessment's day, its dated values resolved to plain numbers."""
    rule = b.amount_at(on)
    out: dict[str, Any] = {}
    for key in ("kind", "cap", "rate", "value", "min", "max", "tiers"):
        value = getattr(rule, key, None)
        if value is not None:
            out[key] = dict(value) if key == "tiers" else value
    return out


def snapshot(a: Assessment) -> dict[str, Any]:
    """The comparable part of an assessment, as JSON-ready data."""
    benefits: dict[str, Any] = {}
    for r in a.results:
        b = r.benefit
        if b.is_info:
            continue
        amount = r.amount if r.status != "ineligible" else None
        benefits[b.id] = {"ref": b.ref, "title": {"zh": b.title.zh, "en": b.title.en}, "status": r.status,
                          "amount": [amount.min, amount.max] if amount is not None else None,
                          "rule": _rule(b, a.as_of)}
    return {"benefits": benefits,
            "eligible": [a.eligible_total.min, a.eligible_total.max],
            "competitive": [a.competitive_total.min, a.competitive_total.max]}


@dataclass(frozen=True)
class RuleChange:
    """One parameter of an amount rule that changed: ``what`` is cap, rate, value, max, min or tiers."""

    what: str
    old: Any
    new: Any


@dataclass(frozen=True)
class BenefitChange:
    id: str
    ref: str
    title: dict[str, str]
    old_status: str | None  # None: the benefit is new in this knowledge base
    new_status: str | None  # None: the benefit was removed
    old_amount: tuple[int, int] | None
    new_amount: tuple[int, int] | None
    rule: tuple[RuleChange, ...] = ()


@dataclass(frozen=True)
class PolicyDiff:
    changes: tuple[BenefitChange, ...]
    old_eligible: tuple[int, int]
    new_eligible: tuple[int, int]

    @property
    def changed(self) -> bool:
        return bool(self.changes) or self.old_eligible != self.new_eligible


def _pair(v: Any) -> tuple[int, int] | None:
    return (int(v[0]), int(v[1])) if v is not None else None


def _rule_changes(old: dict[str, Any] | None, new: dict[str, Any] | None) -> tuple[RuleChange, ...]:
    if old is None or new is None or old == new:
        return ()
    if old.get("kind") != new.get("kind"):
        return (RuleChange("kind", old.get("kind"), new.get("kind")),)
    return tuple(RuleChange(k, old.get(k), new.get(k)) for k in ("cap", "rate", "value", "min", "max", "tiers")
                 if old.get(k) != new.get(k))


def diff(old: dict[str, Any], new: dict[str, Any]) -> PolicyDiff:
    """The benefits whose verdict or amount differs between two snapshots, in the new one's order."""
    ob, nb = old["benefits"], new["benefits"]
    changes: list[BenefitChange] = []
    for bid in [*nb, *(b for b in ob if b not in nb)]:
        o, n = ob.get(bid), nb.get(bid)
        if o is not None and n is not None and o["status"] == n["status"] and o["amount"] == n["amount"]:
            continue
        ref = (n or o)["ref"]
        changes.append(BenefitChange(
            id=bid, ref=ref, title=(n or o)["title"],
            old_status=o["status"] if o else None, new_status=n["status"] if n else None,
            old_amount=_pair(o["amount"]) if o else None, new_amount=_pair(n["amount"]) if n else None,
            rule=_rule_changes(o.get("rule") if o else None, n.get("rule") if n else None)))
    return PolicyDiff(tuple(changes), _pair(old["eligible"]) or (0, 0), _pair(new["eligible"]) or (0, 0))


def _amount(cat: Catalog, lang: Lang, amount: tuple[int, int] | None) -> str:
    if amount is None:
        return "—"
    lo, hi = amount
    if lo == hi:
        return format_yuan(hi, lang, cat)
    if lo == 0:
        return cat.t(lang, "up_to", max=format_yuan(hi, lang, cat))
    return cat.t(lang, "range", min=format_yuan(lo, lang, cat), max=format_yuan(hi, lang, cat))


def _rule_text(cat: Catalog, lang: Lang, rc: RuleChange) -> str:
    if rc.what in ("cap", "value", "min", "max") and isinstance(rc.old, int) and isinstance(rc.new, int):
        return cat.t(lang, f"notify.rule.{rc.what}", old=format_yuan(rc.old, lang, cat),
                     new=format_yuan(rc.new, lang, cat))
    if rc.what == "rate" and isinstance(rc.old, int | float) and isinstance(rc.new, int | float):
        return cat.t(lang, "notify.rule.rate", old=f"{rc.old * 100:g}%", new=f"{rc.new * 100:g}%")
    return cat.t(lang, "notify.rule.other")


def change_line(cat: Catalog, lang: Lang, c: BenefitChange) -> str:
    head = f"{format_ref(c.ref, lang, cat)} {c.title.get(lang) or c.title['zh']}"
    if c.new_status is None:
        return cat.t(lang, "notify.line.removed", benefit=head)
    parts = [_rule_text(cat, lang, rc) for rc in c.rule]
    if c.old_status != c.new_status:
        old = cat.t(lang, f"status.{c.old_status}") if c.old_status else cat.t(lang, "notify.new_benefit")
        parts.append(cat.t(lang, "notify.line.status", old=old, new=cat.t(lang, f"status.{c.new_status}")))
    if c.old_amount != c.new_amount:
        parts.append(cat.t(lang, "notify.line.amount", old=_amount(cat, lang, c.old_amount),
                           new=_amount(cat, lang, c.new_amount)))
    return cat.t(lang, "notify.line", benefit=head, what=cat.t(lang, "notify.sep").join(parts))


def render(cat: Catalog, lang: Lang, d: PolicyDiff, *, limit: int = TELEGRAM_MAX_CHARS) -> str:
    """The one message a user gets, at most ``limit`` characters: changes that do not fit are counted."""
    head = cat.t(lang, "notify.title")
    tail = [cat.t(lang, "notify.total", old=_amount(cat, lang, d.old_eligible), new=_amount(cat, lang, d.new_eligible)),
            cat.t(lang, "notify.footer")]
    lines = [change_line(cat, lang, c) for c in d.changes]
    body: list[str] = []
    budget = limit - len(head) - sum(len(x) + 1 for x in tail) - 1
    for n, line in enumerate(lines):
        more = cat.t(lang, "notify.more", n=len(lines) - n - 1)
        if len(line) + 1 + (len(more) + 1 if n < len(lines) - 1 else 0) > budget:
            body.append(cat.t(lang, "notify.more", n=len(lines) - n))
            break
        body.append(line)
        budget -= len(line) + 1
    return "\n".join([head, *body, *tail])
