"""Figures: which number is whose amount, and which numbers are not amounts at all.

A number becomes a fact's amount only through a cue of that fact in the same clause ("利息一年40来万")
or as the answer to that fact's question; a principal ("贷了800万") never becomes the interest; a
policy's own figure ("那个1000万风补", "贴息上限100万"), a phone or hotline ("打12345"), a year, a count
or a percentage is never an amount. Periods are annualised for yearly facts ("每月付息3万" -> 36万)
and approximations accepted ("三十来万"), both stated back as notes. When unsure: a Clarify.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from itertools import pairwise

from eligibility.language.clauses import CONCEPTS, Clause
from eligibility.language.lexicon import PARTIAL, Lexicon
from eligibility.language.model import Clarify, Figure, Note
from eligibility.language.terms import Hit
from eligibility.parsing import Number, scan_numbers
from knowledge.models import KnowledgeBase

_ROLE_OF_KIND = {"year": "year", "percent": "percent", "count": "count", "id": "phone", "other": "other"}
_SMALL_BARE = 1000  # a bare figure below this answering a money question is asked about (元 or 万元?)
_PHONE_REACH = 3  # a phone word at most this far before the digits ("打12345", "电话：0311-...")
_APPROX_REACH = 3
_REPEAT_REACH = 4
_SAID_AFTER = 14  # "800k interest, oh sorry, 680k": words said after the corrected figure, before the correction
_CLOCK = re.compile(r"\d{1,2}:\d{2}")
_CHAT_LABEL = re.compile(r"\s*\[?\s*\d{1,2}:\d{2}(?::\d{2})?\s*\]?\s*(?:[\u4e00-\u9fffa-z]{1,6}\s*:)?\s*")
_EN_SPAN = re.compile(r"(?:-| |- )(?:years?|yrs?|months?|days?|weeks?)\b")  # a span of time after an English count
_YEARS = (1949, 2100)  # a bare four-digit figure in these years, in English, is a year
_CURRENCY_REACH = 2  # "10万美元", "10万 港币", "10 万元美金" is not written; "$10万" before the digits


@dataclass
class FigureReading:
    figures: list[Figure] = field(default_factory=list)
    amounts: dict[str, list[int]] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)
    clarify: list[Clarify] = field(default_factory=list)


def _distance(h: Hit, n: Number) -> tuple[int, int]:
    """Characters between a cue and a number; a cue before the number wins a tie ("贷了800万利息40万")."""
    if h.end <= n.start:
        return n.start - h.end, 0
    if h.start >= n.end:
        return h.start - n.end, 1
    return 0, 0


def _approximate(lex: Lexicon, c: Clause, n: Number) -> bool:
    """An approximation word of the lexicon: one character inside the figure ("三十来万", "30多万") or just
    before it ("约30万"), a longer one near it ("40万左右", "大概30万")."""
    text = c.s[n.start : n.end]
    chars = tuple(w for w in lex.approximate if len(w) == 1)
    if any(ch in text for ch in chars):
        return True
    before, after = c.s[max(0, n.start - 2 * _APPROX_REACH) : n.start], c.s[n.end : n.end + _APPROX_REACH + 1]
    return any(w in before or after.startswith(w) or after.lstrip(" 元块").startswith(w)
               for w in lex.approximate if len(w) > 1) or before[-_APPROX_REACH:].endswith(chars)


_ROLE_AFTER_REACH = 4  # "发起单位是我们": the applicant named after its role, through 是
_CUE_BEFORE_REACH = 3  # "利息付了60万": a fact's cue this close before a figure names it


def _originator_role(lex: Lexicon, clauses: list[Clause], originator: str) -> tuple[int, int] | None:
    """Where the applicant says it is the originator ("我们是发起单位", "作为发起单位发行…", "发起单位是我们"):
    (clause, position), or None; the pairs of an originator's fact and a financed enterprise's are data
    (``originators`` in vocabulary/figures.yaml)."""
    for ci, c in enumerate(clauses):
        for h in c.hits:
            if not h.has("mention") or not any(t.key == originator for t in h.of("mention")) or c.negated(h):
                continue
            if c.s[: h.start].strip() in lex.lead_adverbs and c.s[h.end :].startswith(("了", "过")) \
                    and not any(x.has("party") for x in c.hits):
                return ci, h.start  # "发起了两期证券化产品": the speaker's own deed, its subject left out
            if h.has("self") or any(b.has("self") for b in c.before(h, 2)) or any(
                    a.has("self") and c.s[h.end : a.start].endswith("是") for a in c.after(h, _ROLE_AFTER_REACH)):
                return ci, h.start
    return None


def _owner(c: Clause, n: Number, cue_ok: Collection[str],
           remap: dict[str, str] | None = None) -> tuple[str, list[str]]:
    """(kind, facts) of the cue nearest to the number; kind: policy, received, principal, quantity, fact, tied, ""."""
    if any(h.has("policy") and 0 <= h.start - n.end <= 1 for h in c.hits):
        return "policy", []  # "贴息100万上限是每年吗": the figure named as the policy's cap
    best: tuple[tuple[int, int], str, list[str]] | None = None
    tied = False
    for h in c.hits:
        kinds: list[tuple[str, list[str]]] = []
        if h.has("policy"):
            kinds.append(("policy", []))
        if h.has("received"):
            kinds.append(("received", []))
        if h.has("principal") and not any(a.has("cue") for a in c.after(h, 1)):
            kinds.append(("principal", []))  # "pledge loan interest", "贷款利息": the loan names whose interest
        if h.has("quantity"):
            kinds.append(("quantity", []))
        facts = list(dict.fromkeys((remap or {}).get(t.key, t.key) for t in h.of("cue") if t.key in cue_ok))
        if facts:
            kinds.append(("fact", facts))
        for kind, owners in kinds[:1]:
            d = _distance(h, n)
            if best is None or d < best[0]:
                best, tied = (d, kind, owners), False
            elif d == best[0] and (kind, owners) != (best[1], best[2]):
                tied = True
    if best is None:
        return "", []
    if best[1] == "received" and not tied:
        # "利息付了60万能补多少": the fact's cue right before the figure names it; the subsidy asked after it
        # ("能补多少") does not make it a payment received ("贴息80w能拿多少" keeps its cue before: received)
        after = any(h.has("received") and h.start >= n.end and _distance(h, n) == best[0] for h in c.hits)
        before = [(n.start - h.end, facts) for h in c.hits if h.end <= n.start and not h.has("received")
                  and not h.has("policy")
                  for facts in [list(dict.fromkeys((remap or {}).get(t.key, t.key)
                                                  for t in h.of("cue") if t.key in cue_ok))] if facts]
        if after and before and min(before)[0] <= _CUE_BEFORE_REACH:
            return "fact", min(before)[1]
    if tied:
        return "tied", []
    return best[1], best[2]


def _labelled(lex: Lexicon, c: Clause, n: Number, cue_ok: Collection[str],
              remap: dict[str, str]) -> tuple[str, list[str]] | None:
    """A figure after a label and a colon ("Interest paid on patent-pledge loan: RMB 150,000"): the label is
    the figure's name, so a cue in it names the fact, whatever loan word stands nearer the figure."""
    head = c.s[: n.start].rstrip()
    for mark in lex.currency_marks:
        head = head.removesuffix(mark).rstrip()
    if not head.endswith(":"):
        return None
    facts = {remap.get(t.key, t.key) for h in c.hits if h.end <= len(head) for t in h.of("cue") if t.key in cue_ok}
    return ("fact", [facts.pop()]) if len(facts) == 1 else None


def read_figures(kb: KnowledgeBase, lex: Lexicon, clauses: list[Clause], *, expecting: str | None,
                 mentioned: Collection[str]) -> FigureReading:
    """Figures of every clause; ``expecting`` is the money fact just asked, ``mentioned`` the facts named."""
    out = FigureReading()
    cue_facts: dict[str, int] = {}
    for c in clauses:
        for h in c.kinds("cue"):
            for t in h.of("cue"):
                cue_facts[t.key] = cue_facts.get(t.key, 0) + 1
    # A cue shared by several facts (融资) counts only for a fact the message names or the question asks.
    shared = {t.key for c in clauses for h in c.kinds("cue") if len(h.of("cue")) > 1 for t in h.of("cue")}
    cue_ok = {f for f in cue_facts if f not in shared or f in mentioned or f == expecting}
    remap: dict[str, str] = {}
    roles: dict[str, tuple[str, tuple[int, int]]] = {}  # a fact of an originator pair -> (financed, role's place)
    for originator, financed in lex.originators:
        said = _originator_role(lex, clauses, originator)
        if expecting != financed and said is not None:
            roles[originator] = roles[financed] = (financed, said)
            remap[financed] = originator
            cue_ok |= {originator, financed} & set(cue_facts)
            mentioned = set(mentioned) - {financed}
        elif expecting == originator and financed not in mentioned:
            # The answer to the originator's question ("发了一期，融了五千万"): what its issue raised, unless the
            # message names the financed enterprise's side ("通过证券化融资").
            remap[financed] = originator
            cue_ok |= {originator, financed} & set(cue_facts)
    financed_sides = {f for _, f in lex.originators}
    sole = _sole_figure(lex, clauses)
    handled = _year_told_in_parts(kb, lex, clauses, out, expecting, cue_ok)
    theirs = _ours_after_theirs(kb, lex, clauses, out, expecting, cue_ok, handled)
    carried: set[str] = set()
    paid_per: set[str] = set()  # the period of the clause before, said with a figure of its own
    period_words: dict[str, str] = {}
    doubted: set[str] = set()
    # (figure's index, fact, the question if no amount is told, its role if one is)
    received: list[tuple[int, str, Clarify, str]] = []
    others: list[Clarify] = []  # other money given on a money question: asked about if no amount is told
    later = _later_periods(lex, clauses)
    for ci, c in enumerate(clauses):
        # A digit inside a vocabulary word ("一年", "是一家") is part of the word, not a figure.
        numbers = [n for n in scan_numbers(c.s, lex.numbers)
                   if not _in_a_word(c, n) and (ci, n.start) not in handled]
        here = {t.key: h.term for h in c.kinds("period") for t in h.of("period")
                if not _month_named(lex, c, h)} or later.get(ci, {})
        months = lex.month_span.search(c.s)
        if months is not None:
            # "1-6月付利息30万", "6月份付了30万": a month's or some months' payment, part of the year: asked
            here = {PARTIAL: months.group(0)}
        period_words.update(here)
        # "每月还款10万，其中利息2万": the part of a period's payment, told apart in the next clause, is of that period
        part = lex.of_which.match(c.s.lstrip()) is not None and any(h.has("cue") for h in c.hits)
        periods = set(here) or carried or (paid_per if part else set())
        # "半年付一次，一次15万": a period stated without a figure reaches the next clause.
        carried = periods if not _has_figure(lex, c) else set()
        paid_per = set(here) if _has_figure(lex, c) else set()
        # On a money question, "刚才利息说错了，是30万" is the interest's, and so is a payment's figure ("利息付了两次，
        # 每次25万", then asked); other free text keeps to each clause's own cue
        named_before = _named_before(lex, clauses, ci, cue_ok, remap) \
            if expecting or c.kinds("per_payment") or c.kinds("total") else None
        out.figures += [Figure(h.term, int(t.value), "percent") for h in c.hits for t in h.of("fraction")]
        for n in numbers:
            text = c.s[n.start : n.end]
            tail = _open_tail(lex, c.s, n)
            if len(text) == 1 and not text.isdigit() and not tail:
                continue  # "一直", "一下": a word, not a figure
            if c.of_clients:
                out.figures.append(Figure(text, n.value, "other"))  # "Our client paid 600k": the client's figure
                continue
            if c.supposed(n.start):
                out.figures.append(Figure(text, n.value, "supposed"))  # "万一利息付了100万": not the user's figure
                continue
            if c.s.isascii() and n.bare and _EN_SPAN.match(c.s, n.end):
                out.figures.append(Figure(text, n.value, "count"))  # "our 20-year-old company", "a 3-year loan"
                continue
            if c.s.isascii() and n.bare and text.isdigit() and not (expecting and sole):
                if len(text) == 4 and _YEARS[0] <= n.value <= _YEARS[1]:
                    out.figures.append(Figure(text, n.value, "year"))  # "in 2029": English writes no 年
                    continue
                if n.kind == "number" and re.match(r" [a-z]", c.s[n.end :]):
                    out.figures.append(Figure(text, n.value, "count"))  # "8 IP service platforms"
                    continue
            if n.start > 0 and c.s[n.start - 1] in lex.minus_signs and not (
                    n.start > 1 and c.s[n.start - 2].isdigit()):
                # "利息-50万": an amount cannot be negative; asked, never read as 50万.
                kind, owners = _owner(c, n, cue_ok, remap)
                fact = owners[0] if kind == "fact" and len(owners) == 1 else expecting
                out.figures.append(Figure(c.s[n.start - 1] + text, None, "other", fact))
                if fact is not None:
                    out.clarify.append(Clarify(fact, "lang.ask.negative", {"figure": c.s[n.start - 1] + text}))
                continue
            role = _ROLE_OF_KIND.get(n.kind)
            if role is None and any(
                    h.has("phone") and h.end <= n.start and n.start - h.end <= _PHONE_REACH for h in c.hits):
                role = "phone"
            if role is not None:
                out.figures.append(Figure(text, n.value, role))
                continue
            if tail:
                text += tail  # "十几万": the figure as typed, for the question back
            cued = sorted({t.key for h in c.hits for t in h.of("cue") if t.key in cue_ok})
            ranged = _ranged(lex, c.s, numbers, n)
            if (ranged and (expecting or len(cued) == 1)) \
                    or lex.numeral_ranges.search(c.s[max(0, n.start - 1) : n.end]) \
                    or _alternative(lex, c.s, numbers, n) or _open_count(lex, c.s, n) or tail:
                # "七八万", "三四十万", "30还是35万", "利息十到十五万": a range or alternatives, not one figure (a
                # range of no fact of the user's, "维权援助每个项目是20到30万吗", is the policy's: read on)
                fact = expecting or (cued[0] if len(cued) == 1 else None)
                out.figures.append(Figure(text, n.value, "other", fact, True))
                if fact is not None and ranged:
                    # "30到40万": the two ends named back, as for two figures of one fact
                    ends = [c.s[m.start : m.end] for m in numbers if m is n or lex.range_gap.fullmatch(
                        c.s[min(m.end, n.end) : max(m.start, n.start)]) is not None]
                    out.clarify.append(Clarify(fact, "lang.ask.which_figure", {"figures": ends}, None))
                elif fact is not None:
                    out.clarify.append(Clarify(fact, "lang.ask.amount_range", {"figure": text}))
                continue
            if n.bare and text.isdigit() and c.s[n.end : n.end + 1] in lex.list_markers:
                out.figures.append(Figure(text, n.value, "other"))  # "1）利息付了20万": the item's number
                continue
            if n.kind == "number" and not (expecting and sole and (n.bare or text[0].isdigit())):
                kind, owners = _owner(c, n, cue_ok, remap)
                if n.bare and text.isdigit() and n.value > 0 and kind == "fact" and len(owners) == 1 \
                        and owners[0] in money_facts(kb):
                    # "利息60", "interest was 60": 60元 or 60万? Asked, never computed from a guess.
                    out.figures.append(Figure(text, n.value, "other", owners[0], True))
                    out.clarify.append(Clarify(owners[0], "lang.ask.unit", {"figure": text}, n.value))
                    continue
                out.figures.append(Figure(text, n.value, "other"))
                continue
            if any(h.has("neg") and 0 <= n.start - h.end <= 1 for h in c.hits):
                out.figures.append(Figure(text, n.value, "other"))  # "是18万不是80万": 80万 is what it is not
                continue
            kind, owners = _owner(c, n, cue_ok, remap)
            if kind == "principal":
                kind, owners = _labelled(lex, c, n, cue_ok, remap) or (kind, owners)
            if any(h.has("foreign") and (0 <= h.start - n.end <= _CURRENCY_REACH or 0 <= n.start - h.end <= 1)
                   for h in c.hits):
                # "利息10万美元": another currency; the policy's figures are yuan. Asked, never converted.
                fact = owners[0] if kind == "fact" and len(owners) == 1 else expecting
                out.figures.append(Figure(text, n.value, "other", fact))
                if fact is not None:
                    shown = c.s[max(0, n.start - _CURRENCY_REACH) : n.end + _CURRENCY_REACH + 2].strip()
                    out.clarify.append(Clarify(fact, "lang.ask.currency", {"figure": shown}, None))
                continue
            approx = _approximate(lex, c, n)
            bound = any(h.has("bound") for h in c.hits if (len(h.term) > 1 and -2 <= h.start - n.end <= 1)
                        or 0 <= n.start - h.end <= (2 if len(h.term) > 1 else 0))
            if bound and kind not in ("policy", "principal"):
                fact = owners[0] if kind == "fact" and len(owners) == 1 else expecting
                out.figures.append(Figure(text, n.value, "other", fact, True))
                if fact is not None:
                    out.clarify.append(Clarify(fact, "lang.ask.amount_range", {"figure": text}))
                continue
            if kind == "received":
                # The user's amount or a payment? Ask when one money fact is in sight; else the policy's figure.
                cued = sorted({t.key for h in c.hits for t in h.of("cue") if t.key in cue_ok})
                named = sorted(set(mentioned) & money_facts(kb))
                fact = expecting or (cued[0] if len(cued) == 1 else None) or (named[0] if len(named) == 1 else None)
                if fact is None or fact in out.amounts:
                    kind = "policy"  # "利息180万，贴息是不是90万": the amount is told; this is the payment
                else:
                    # "贴息能拿到60万吗？我们利息是100万": asked only if the message tells no amount of its own
                    # after it.
                    label = kb.facts[fact].label
                    received.append((len(out.figures), fact, Clarify(fact, "lang.ask.confirm_amount", {
                        "figure": text, "label_zh": label.zh, "label_en": label.en}, n.value), "policy"))
                    out.figures.append(Figure(text, n.value, "other", fact, approx))
                    continue
            if kind == "quantity":
                # "营收8000万", "注册资本1000万": other money, never an amount; as an answer, asked about, unless the
                # message tells the amount asked for too ("除了利息还交了担保费3万…利息本身是21万").
                out.figures.append(Figure(text, n.value, "other", expecting, approx))
                if expecting is not None:
                    label = kb.facts[expecting].label
                    others.append(Clarify(expecting, "lang.ask.confirm_amount",
                                          {"figure": text, "label_zh": label.zh, "label_en": label.en}, n.value))
                continue
            if kind == "policy":
                out.figures.append(Figure(text, n.value, "policy", approximate=approx))
                continue
            if kind == "tied":
                named = sorted(set(mentioned) & money_facts(kb))
                fact = expecting or (named[0] if len(named) == 1 else None)
                out.figures.append(Figure(text, n.value, "other", fact, approx))
                if fact is not None:
                    out.clarify.append(Clarify(fact, "lang.ask.which_figure", {"figure": text}, n.value))
                continue
            if kind == "principal":
                fact = expecting or _loan_fact(kb, lex, mentioned)
                out.figures.append(Figure(text, n.value, "principal", fact, approx))
                continue
            role_said = roles.get(owners[0]) if kind == "fact" and len(owners) == 1 else None
            before_role = role_said is not None and (ci, n.start) < role_said[1] and (
                _owner(c, n, cue_ok)[1] == [role_said[0]] or _names_financed(c, role_said[0]))
            after_issue = role_said is not None and ci > role_said[1][0] and owners[0] in out.amounts \
                and _names_financed(c, role_said[0])
            if before_role or after_issue:
                # "证券化融资8000万，发起单位是我们": named as the financed enterprise's, the role said only after
                # the figure; whose financing it is, is asked ("我们发了一期…融资1.5亿，作为发起单位" is the issue's).
                # So is a figure named as the financed side's after the issue's own ("作为发起人发行了一期，融资1亿，
                # 另外通过证券化融资2000万": 3% of its own financing, or 2% of another issue?).
                out.figures.append(Figure(text, n.value, "other", None, approx))
                financed = roles[owners[0]][0]
                originator = next(o for o, f in lex.originators if f == financed)
                la, lb = kb.facts[originator].label, kb.facts[financed].label
                out.clarify.append(Clarify(financed, "lang.ask.which_role", {
                    "figure": text, "a_zh": la.zh, "a_en": la.en, "b_zh": lb.zh, "b_en": lb.en}, None))
                continue
            if kind == "fact" and len(owners) == 1 and owners[0] in financed_sides and owners[0] not in roles \
                    and _either_side(lex, clauses, owners[0], expecting):
                # "发行知识产权证券化产品融资5000万", "发起证券化产品融资5亿": issued or originated (the originator's
                # words) and financed (the enterprise's): which side the applicant is decides the item; asked, never
                # picked. So is the financed side's figure given to the originator's question ("证券化融资5亿"),
                # unless the message denies originating ("我们没发起，但通过证券化融了5000万").
                financed = owners[0]
                originator = next(o for o, f in lex.originators if f == financed)
                la, lb = kb.facts[originator].label, kb.facts[financed].label
                out.figures.append(Figure(text, n.value, "other", None, approx))
                out.clarify.append(Clarify(financed, "lang.ask.which_role", {
                    "figure": text, "a_zh": la.zh, "a_en": la.en, "b_zh": lb.zh, "b_en": lb.en}, None))
                continue
            if kind == "fact":
                if len(owners) > 1:
                    out.figures.append(Figure(text, n.value, "other", None, approx))
                    out.clarify += [Clarify(f, "lang.ask.which_fact", {"figure": text}, n.value) for f in owners[:1]]
                    continue
                fact = owners[0]
            elif kind == "" and named_before is not None:
                fact = named_before  # "刚才利息说错了，是30万": the clause before names whose figure it is
            elif expecting is not None and not _names_other_money(kb, c, expecting):
                fact = expecting
            else:
                named = sorted(set(mentioned) & money_facts(kb))
                if _theirs_before(c, n, any_party=True):
                    # "我们付的利息是同行的两倍，同行付了30万": someone else's figure, tied to no fact of the
                    # applicant's; never a base to compute from (J6)
                    out.figures.append(Figure(text, n.value, "theirs", None, approx))
                    continue
                if c.question and len(named) == 1 and named[0] in out.amounts:
                    # "证券化融资1亿，补3%是300万吗": the amount is told; this is the payment asked about
                    out.figures.append(Figure(text, n.value, "policy", approximate=approx))
                    continue
                out.figures.append(Figure(text, n.value, "other", named[0] if len(named) == 1 else None, approx))
                if len(named) == 1:
                    label = kb.facts[named[0]].label
                    out.clarify.append(Clarify(named[0], "lang.ask.confirm_amount",
                                               {"figure": text, "label_zh": label.zh, "label_en": label.en}, n.value))
                continue
            if fact not in lex.yearly_facts and _theirs_before(c, n):
                # "听同行说他们证券化融了一个亿": someone else's figure (a yearly one is asked whose, in _settle)
                out.figures.append(Figure(text, n.value, "other", None, approx))
                continue
            _amount(kb, lex, c, out, fact, text, n, approx, periods, period_words, own=bool(here))
            if _doubted(lex, c, n, clauses[ci + 1] if ci + 1 < len(clauses) else None):
                doubted.add(fact)  # "利息80万不对吧，我记得是70万": the user takes 80万 back
    if expecting not in out.amounts:
        out.clarify += others[:1]
    for at, fact, asked, role in received:
        if fact in out.amounts:
            out.figures[at] = replace(out.figures[at], role=role, fact=None)  # the payment hoped for, or a claim
        else:
            out.clarify.append(asked)
    for fact in doubted & set(out.amounts):
        _withdraw(out, fact, Clarify(fact, "lang.ask.which_figure", {}))
    if any(ci > 0 and c.s.startswith(lex.alternative_leads) and _money_numbers(lex, c) for ci, c in enumerate(clauses)):
        # "利息30万吧，也可能是40万": another figure as an alternative; which one is asked, neither recorded
        for fact in [f for f in out.amounts if kb.facts[f].type == "money"]:
            _withdraw(out, fact, Clarify(fact, "lang.ask.which_figure",
                                         {"figures": [f.text for f in out.figures if f.role in ("amount", "other")
                                                      and f.fact in (fact, None) and f.value]}, None))
    _settle(kb, lex, out, expecting, mentioned, [c for ci, c in enumerate(clauses) if ci not in theirs])
    return out


_SELF_LEAD = 2  # "而我们", "但我们": the self-reference opens the clause


def _names_financed(c: Clause, financed: str) -> bool:
    """The clause names the financed side ("通过证券化融资了1亿") and not the originator's role."""
    return any(t.key == financed for h in c.hits for t in h.of("mention")) and not any(
        t.key != financed for h in c.hits for t in h.of("mention"))


def _pair_of(lex: Lexicon, financed: str) -> set[str]:
    """The originator's fact and the financed one of a pair."""
    return {x for o, f in lex.originators if f == financed for x in (o, f)}


def _either_side(lex: Lexicon, clauses: list[Clause], financed: str, expecting: str | None) -> bool:
    """The financed side's figure may be the originator's: the message names originating too (on no question of
    the pair), or it answers the originator's question and does not deny originating."""
    if expecting == _originator_of(lex, financed):
        return not any(_originator_denied(x, lex, financed) for x in clauses)
    return expecting not in _pair_of(lex, financed) and any(
        _issued_here(x, lex, financed) or _originator_named(x, lex, financed) for x in clauses)


def _originator_of(lex: Lexicon, financed: str) -> str:
    return next(o for o, f in lex.originators if f == financed)


def _originator_named(c: Clause, lex: Lexicon, financed: str) -> bool:
    """The clause names the originator's side ("发起证券化产品…"), not negated and not someone else's."""
    origin = _originator_of(lex, financed)
    return any(any(t.key == origin for t in h.of("mention")) and not c.negated(h) and not c.topic(h)
               and not c.about_clients(h) for h in c.hits)


def _originator_denied(c: Clause, lex: Lexicon, financed: str) -> bool:
    """The clause denies originating ("我们没发起"): the financed side's figure is then the applicant's own."""
    origin = _originator_of(lex, financed)
    return any(any(t.key == origin for t in h.of("mention")) and c.negated(h) for h in c.hits)


def _issued_here(c: Clause, lex: Lexicon, financed: str) -> bool:
    """A cue word of the originator's alone (发行, issue) in the clause: the issuing side is named in the message."""
    originators = {o for o, f in lex.originators if f == financed}
    return any(h.of("cue") and all(t.key in originators for t in h.of("cue")) for h in c.hits)


def _month_named(lex: Lexicon, c: Clause, h: Hit) -> bool:
    """A period word that opens with 月 right after a month's number ("6月付利息": 月付 is June's 月 and 付)."""
    return h.term.startswith("月") and lex.month_before.search(c.s[: h.start].rstrip()) is not None


def _named_before(lex: Lexicon, clauses: list[Clause], ci: int, cue_ok: Collection[str],
                  remap: dict[str, str]) -> str | None:
    """The one fact the clause before names by its cue, with no figure of its own and not negated ("刚才利息说错了，
    是30万"): a figure with no cue of its own in this clause is that fact's, whatever question is on screen."""
    if ci == 0 or _has_figure(lex, clauses[ci - 1]):
        return None
    before = clauses[ci - 1]
    named = {remap.get(t.key, t.key) for h in before.hits if not before.negated(h)
             for t in h.of("cue") if t.key in cue_ok}
    return named.pop() if len(named) == 1 else None


def _has_figure(lex: Lexicon, c: Clause) -> bool:
    """The clause holds a figure (not "一" of "一次", "一直": a word)."""
    return any(n.kind in ("money", "number") and (n.end - n.start > 1 or c.s[n.start].isdigit()
                                                  or _open_tail(lex, c.s, n))
               for n in scan_numbers(c.s, lex.numbers) if not _in_a_word(c, n))


def _later_periods(lex: Lexicon, clauses: list[Clause]) -> dict[int, dict[str, str]]:
    """"利息5万，半年付一次", "interest of 50k, paid semi-annually": a clause of a period only, right after a clause
    with a figure and no period of its own, may be that figure's period; it is asked about (two periods given,
    the one said and an unsure one, so ``_amount`` asks), never multiplied."""
    out: dict[int, dict[str, str]] = {}
    for ci in range(len(clauses) - 1):
        c, nxt = clauses[ci], clauses[ci + 1]
        said = {t.key: h.term for h in nxt.kinds("period") for t in h.of("period")}
        if not said or c.kinds("period") or not _has_figure(lex, c) or _has_figure(lex, nxt):
            continue
        # "20万，按季度付的" may be the year's 20万 paid quarterly or 20万 a quarter, and "每次付3万，一个月付一次"
        # is told in two steps: a period said only in the next clause is asked about, never multiplied.
        out[ci] = {**said, "unsure": ""}
    return out


def _in_a_word(c: Clause, n: Number) -> bool:
    """A digit inside a vocabulary word ("一年", "是一家") is part of the word, not a figure; a figure that runs past
    the word ("一个亿", "一个w") is a figure."""
    return any(h.start < n.end and n.start < h.end and n.end <= h.end for h in c.hits)


def _money_numbers(lex: Lexicon, c: Clause) -> list[Number]:
    return [n for n in scan_numbers(c.s, lex.numbers) if n.kind == "money"
            and not _in_a_word(c, n)]


def _ours_after_theirs(kb: KnowledgeBase, lex: Lexicon, clauses: list[Clause], out: FigureReading,
                       expecting: str | None, cue_ok: Collection[str], handled: set[tuple[int, int]]) -> set[int]:
    """"我朋友的公司付了200万利息，我们付了30万": a figure of someone else's, then the applicant's own in a clause
    opened by a self-reference, for the same fact: the first is set aside, the second is the amount (with the
    cue of the first). The clauses set aside are returned (their party says nothing of the applicant's figure).
    Without the applicant's own figure, someone else's is asked about as before ("每家子公司利息都是80万")."""
    theirs: set[int] = set()
    for i, c in enumerate(clauses[:-1]):
        party = next((h for h in c.hits if h.has("party")), None)
        numbers = [n for n in _money_numbers(lex, c) if (i, n.start) not in handled]
        if party is None or not numbers or numbers[0].start < party.start:
            continue  # (every figure of the party's clause is theirs: "隔壁公司利息50万拿了25万，我们利息70万")
        cued = {t.key for h in c.hits for t in h.of("cue") if t.key in cue_ok}
        fact = cued.pop() if len(cued) == 1 else expecting if not cued else None
        if fact is None:
            continue
        j = i + 1
        d = clauses[j]
        own = _money_numbers(lex, d)
        opens = next((h for h in d.hits if h.has("self")), None)
        if opens is not None and opens.start <= _SELF_LEAD and not own and any(
                d.negated(h) for h in d.hits
                if any(t.key in (fact, expecting) for t in (*h.of("mention"), *h.of("cue")))):
            # "我们供应商利息付了80万，我们自己没有质押贷款": their figure, and the applicant has none of its own
            out.figures += [Figure(c.s[n.start : n.end], n.value, "other", None) for n in numbers]
            theirs.add(i)
            handled |= {(i, n.start) for n in numbers}
            continue
        if fact not in lex.yearly_facts:
            continue
        if (opens is None or opens.start > _SELF_LEAD or len(own) != 1 or any(h.has("party") for h in d.hits)
                or any(t.key != fact for h in d.hits for t in h.of("cue")) or d.supposed(own[0].start)
                or d.kinds("period")):
            continue
        out.figures += [Figure(c.s[n.start : n.end], n.value, "other", None) for n in numbers]  # someone else's
        theirs.add(i)
        handled |= {(i, n.start) for n in numbers} | {(j, own[0].start)}
        _amount(kb, lex, d, out, fact, d.s[own[0].start : own[0].end], own[0], _approximate(lex, d, own[0]),
                set(), {})
    for i, c in enumerate(clauses[:-1]):
        # "我们付了120万利息，别人才付了20万": the applicant's own figure, then someone else's in the next clause
        own = [n for n in _money_numbers(lex, c) if (i, n.start) not in handled]
        opens = next((h for h in c.hits if h.has("self")), None)
        d = clauses[i + 1]
        party = next((h for h in d.hits if h.has("party")), None)
        numbers = [n for n in _money_numbers(lex, d) if (i + 1, n.start) not in handled]
        if (opens is None or opens.start > _SELF_LEAD or len(own) != 1 or party is None or not numbers
                or numbers[0].start < party.start or any(h.has("party") for h in c.hits)
                or any(h.has("self") and not h.has("their") for h in d.hits) or c.supposed(own[0].start)
                or c.kinds("period") or d.kinds("period")):
            continue
        cued = {t.key for x in (c, d) for h in x.hits for t in h.of("cue") if t.key in cue_ok}
        fact = cued.pop() if len(cued) == 1 else expecting if not cued else None
        if fact is None or fact not in lex.yearly_facts or sum(len(_money_numbers(lex, x)) for x in clauses) != len(
                own) + len(numbers):
            continue  # (another figure elsewhere: which is the applicant's is asked as before)
        out.figures += [Figure(d.s[n.start : n.end], n.value, "other", None) for n in numbers]  # someone else's
        theirs.add(i + 1)
        handled |= {(i + 1, n.start) for n in numbers} | {(i, own[0].start)}
        _amount(kb, lex, c, out, fact, c.s[own[0].start : own[0].end], own[0], _approximate(lex, c, own[0]),
                set(), {})
    return theirs


def _year_told_in_parts(kb: KnowledgeBase, lex: Lexicon, clauses: list[Clause], out: FigureReading,
                        expecting: str | None, cue_ok: Collection[str]) -> set[tuple[int, int]]:
    """"上半年30万，下半年40万", "Q1 5万, Q2 6万, Q3 5万, Q4 4万": a yearly fact told in the parts of one year, each
    once with one figure, is their sum, stated back; (clause, position) of the figures so read. The fact is the
    question's, or the one cue of those clauses (or of the clause just before them: "去年利息：上半年…")."""
    parts: dict[str, dict[str, tuple[int, Number]]] = {}
    for ci, c in enumerate(clauses):
        tags = [t for h in c.hits for t in h.of("year_part")]
        numbers = [n for n in scan_numbers(c.s, lex.numbers) if n.kind == "money"
                   and not _in_a_word(c, n)]
        if len(tags) != 1 or len(numbers) != 1:
            continue
        found = parts.setdefault(tags[0].key, {})
        if tags[0].value in found:
            found[tags[0].value] = (-1, numbers[0])  # a part told twice: not summed
        else:
            found[tags[0].value] = (ci, numbers[0])
    handled: set[tuple[int, int]] = set()
    for whole, told in parts.items():
        if frozenset(told) != lex.year_sets.get(whole, frozenset()) or any(ci < 0 for ci, _ in told.values()):
            continue
        at = sorted(told.values(), key=lambda x: (x[0], x[1].start))
        first = at[0][0]
        near = {first - 1, *(ci for ci, _ in at)} - {-1}
        cued = {t.key for i in near for h in clauses[i].hits for t in h.of("cue") if t.key in cue_ok}
        fact = expecting or (cued.pop() if len(cued) == 1 else None)
        if fact is None or fact not in lex.yearly_facts or any(clauses[ci].supposed(n.start) for ci, n in at):
            continue
        total = sum(n.value for _, n in at)
        approx = any(_approximate(lex, clauses[ci], n) for ci, n in at)
        words = {t.value: h.term for ci, _ in at for h in clauses[ci].hits for t in h.of("year_part")}
        stated = "、".join(f"{words[p]}{clauses[ci].s[n.start:n.end]}"
                          for p, (ci, n) in sorted(told.items(), key=lambda kv: (kv[1][0], kv[1][1].start)))
        out.figures += [Figure(clauses[ci].s[n.start : n.end], n.value, "other", fact, approx, "part") for ci, n in at]
        out.figures.append(Figure(stated, total, "amount", fact, approx, "year"))
        out.amounts.setdefault(fact, []).append(total)
        out.notes.append(Note("lang.note.period", {"figure": stated, "stated": stated, "period": "parts",
                                                   "factor": 1, "yearly": total}, fact))
        handled |= {(ci, n.start) for ci, n in at}
    return handled


_UNIT_RUN = re.compile(r"[十百千万亿]*[万千百亿元块]?")


def _open_tail(lex: Lexicon, s: str, n: Number) -> str:
    """"十几万", "二十几万", "一百几十万": a count left open right after the figure's numeral; the open part as
    typed."""
    rest = s[n.end :]
    word = next((w for w in lex.vague_numerals if rest.startswith(w)), None)
    if word is None:
        return ""
    m = _UNIT_RUN.match(rest, len(word))
    return rest[: m.end()] if m else word


def _names_other_money(kb: KnowledgeBase, c: Clause, expecting: str) -> bool:
    """The clause names another money fact than the one asked ("No pledge loans, but we did get 40 million from an
    IP securitisation deal"): its figure is not the answer to the question asked."""
    money = money_facts(kb)
    return any(t.key in money and t.key != expecting for h in c.hits for t in h.of("mention"))


def _open_count(lex: Lexicon, s: str, n: Number) -> bool:
    """"几十万", "数百万": a count left open before the figure; "一百多万", "十多万": over a round power of ten."""
    if s[: n.start].endswith(lex.vague_numerals):
        return True
    text = s[n.start : n.end]
    return any(ch in text for ch in lex.over_marks) and str(n.value).rstrip("0") == "1"


def _alternative(lex: Lexicon, s: str, numbers: list[Number], n: Number) -> bool:
    """``n`` is one of two figures given as alternatives ("30还是35万", "30 or 35万")."""
    return _between(numbers, n, lex.alternatives, s)


def _ranged(lex: Lexicon, s: str, numbers: list[Number], n: Number) -> bool:
    """``n`` is one end of a range ("十到十五万", "100k-150k")."""
    return _between(numbers, n, lex.range_gap, s)


def _between(numbers: list[Number], n: Number, gap: re.Pattern[str], s: str) -> bool:
    i = numbers.index(n)
    return any(gap.fullmatch(s[a.end : b.start]) is not None
               for a, b in ((numbers[i - 1] if i else None, n), (n, numbers[i + 1] if i + 1 < len(numbers) else None))
               if a is not None and b is not None)




def _ordinal_corrected(lex: Lexicon, s: str, cased: str) -> tuple[str, str]:
    """"两期 5000万和8000万，第二期记错了是7000万": the figure of the issue named by its ordinal is replaced (the
    list keeps two figures, never three)."""
    for m in reversed(list(lex.ordinal.finditer(s))):
        gap = lex.correction_gap.match(s, m.end())
        if gap is None or gap.end() == m.end():
            continue
        after = [n for n in scan_numbers(s[gap.end() :], lex.numbers) if n.kind == "money"]
        if not after or after[0].start != 0:
            continue
        ordinal = scan_numbers(m.group(1), lex.numbers)
        before = [n for n in scan_numbers(s[: m.start()], lex.numbers) if n.kind == "money"]
        if len(ordinal) != 1 or not 1 <= int(ordinal[0].value) <= len(before):
            continue
        old, new = before[int(ordinal[0].value) - 1], after[0]
        end = gap.end() + new.end
        s = s[: old.start] + s[gap.end() : end] + s[old.end : m.start()] + s[end:]
        cased = cased[: old.start] + cased[gap.end() : end] + cased[old.end : m.start()] + cased[end:]
    return s, cased


def self_corrected(lex: Lexicon, s: str, cased: str) -> tuple[str, str]:
    """"80万，哦不对70万", "80万，不对，是70万", "利息不是80万，是50万": the figure corrected inside the message is
    dropped.

    Only a correction word between two figures counts (or "不是X，是Y"); the second figure takes the first's
    place, so it keeps the first's cue ("利息80万，不对，70万" -> 利息70万), and a few words said right after the
    first figure stay with it ("800k interest, oh sorry, 680k" -> 680k interest). A chat log's time and speaker
    between them ("[10:22] 客户: 不好意思打错了，是58万") belong to the correction."""
    s, cased = _ordinal_corrected(lex, s, cased)
    numbers = [n for n in scan_numbers(s, lex.numbers) if n.kind in ("money", "number")
               and not (n.end - n.start == 1 and not s[n.start].isdigit())  # "一下", "一直": words, not figures
               and not _CLOCK.match(s, max(0, n.start - 3)) and not _CLOCK.match(s, n.start)]  # "[10:22]"
    for a, b in reversed(list(pairwise(numbers))):
        gap = _CHAT_LABEL.sub(" ", s[a.end : b.start])
        said = s[: a.start].rstrip()
        if said.endswith(lex.not_it) and lex.instead.fullmatch(gap):
            # "利息不是80万，是50万": what it is not, then what it is
            start = len(said) - next(len(w) for w in lex.not_it if said.endswith(w))
            s, cased = s[:start] + s[b.start :], cased[:start] + cased[b.start :]
            continue
        pre, m = "", lex.correction_gap.match(gap)
        if m is None:
            k = next((i for i, ch in enumerate(gap) if ch in ";,.!?"), len(gap))
            pre, m = gap[:k], lex.correction_gap.match(gap, k) if 0 < k <= _SAID_AFTER else None
            if any(ch.isdigit() for ch in pre):
                m = None
        rest = gap[m.end() :] if m else ""
        # What the corrected figure repeats before it ("每月3万，不对，每月4万") may stay.
        if m and len(rest) <= _REPEAT_REACH and not any(ch.isdigit() or ch in ";,.!?" for ch in rest):
            again = {t.key for h in lex.index.scan(rest, rest) for t in h.of("period")}
            before = {t.key for h in lex.index.scan(said, said) for t in h.of("period")}
            if rest.strip() and not said.endswith(rest.strip()) and again and again != before:
                # "每月一万，不是，每季度一万": the period is corrected too; both figures stay, so it is asked
                # ("月付两万，不对，是每月一万八" names the same period again: the figure alone is corrected)
                continue
            if len(_CHAT_LABEL.sub(" ", s[a.end : b.start])) != len(s[a.end : b.start]):
                pre = ""  # a chat log's label between them: nothing said after the first figure is kept
            if not pre.strip(lex.particles):
                pre = ""  # "30万吧，不对，32还是33万": a particle after the first figure is no word to keep
            s = s[: a.start] + s[b.start : b.end] + pre + s[b.end :]
            cased = cased[: a.start] + cased[b.start : b.end] + pre + cased[b.end :]
    return _words_corrected(lex, s, cased)


def _replaceable(h: Hit) -> set[tuple[str, str]]:
    """What a word names that a later word may replace: an option of a fact, an applicant's type, a place."""
    return ({("option", t.key) for t in h.of("option")} | {("applicant", "") for _ in h.of("applicant")[:1]}
            | {("place", "") for _ in (h.of("inside") or h.of("outside") or h.of("city"))[:1]}
            | {("mention", "") for _ in h.of("mention")[:1]})  # "示范企业，说错了，是优势企业": another fact named


_ARTICLE_AFTER = re.compile(r"(?<=[\s,;])(?:a|an|the)\s+$")
_HAS = "有了的吧"  # what may follow the word corrected before the correction ("马德里有，哦不对，是驰名商标")


def _words_corrected(lex: Lexicon, s: str, cased: str) -> tuple[str, str]:
    """"银奖，不对，是金奖", "企业，说错了，是研究所": an option (or applicant type) corrected inside the message is
    dropped, so only the corrected one is read (never both: ["silver", "gold"] would pay two awards)."""
    if not any(w in s for w in lex.correction_words):
        return s, cased  # no correction word at all: nothing to scan for
    hits = lex.index.scan(s, cased)
    for i in range(len(hits) - 1, -1, -1):
        a = hits[i]
        kinds = _replaceable(a)
        if not kinds:
            continue
        # A word inside the correction itself ("gold, no wait, silver": "no" is also the award's "none") is
        # no replacement: the first one named after the correction is.
        lead = lex.correction_gap.match(s, a.end)
        after = lead.end() if lead and lead.end() > a.end else a.end
        b = next((h for h in hits[i + 1 :] if kinds & _replaceable(h) and h.start >= after), None)
        if b is None or b.term == a.term:
            continue
        gap = s[a.end : b.start]
        # (the "有" said after the first word stays with it: "马德里有，哦不对，是驰名商标有"; an article before the
        # second is part of the correction: "a silver — actually no, an excellence award")
        gap = _ARTICLE_AFTER.sub("", gap)
        if lex.correction_gap.fullmatch(gap) or lex.correction_gap.fullmatch(gap.lstrip(_HAS)):
            s, cased = s[: a.start] + s[b.start :], cased[: a.start] + cased[b.start :]
            continue
        # "省级示范区，不对，是国家级的": the subject named after the first option goes with the second.
        keys = {t.key for t in a.of("option")}
        subject = next((h for h in hits[i + 1 :] if h.start == a.end or s[a.end : h.start].isspace()), None)
        if subject is None or subject.end > b.start or not any(t.key in keys for t in subject.of("mention")):
            continue
        if lex.correction_gap.fullmatch(s[subject.end : b.start]):
            said, said_cased = s[a.end : subject.end], cased[a.end : subject.end]
            s = s[: a.start] + s[b.start : b.end] + said + s[b.end :]
            cased = cased[: a.start] + cased[b.start : b.end] + said_cased + cased[b.end :]
    return s, cased


def _doubted(lex: Lexicon, c: Clause, n: Number, following: Clause | None) -> bool:
    """A correction word right after the figure, in its clause or opening the next one ("80万不对吧")."""
    rest = c.s[n.end :].lstrip(" 元块吧啊")
    if not rest and following is not None:
        if any(t.kind in CONCEPTS for h in following.hits for t in h.tags):
            return False  # "利息80万，其实我们是服务机构": it corrects something else
        rest = following.s
    return rest.lstrip("哦噢喔呃额啊嗯 ").startswith(lex.corrections)


def money_facts(kb: KnowledgeBase) -> set[str]:
    return {f.id for f in kb.facts.values() if f.type in ("money", "money_list")}


def _sole_figure(lex: Lexicon, clauses: list[Clause]) -> bool:
    """The message is one figure and filler ("500", "大概30万吧"): a bare answer to a money question."""
    numbers = [n for c in clauses for n in scan_numbers(c.s, lex.numbers) if n.kind in ("money", "number")
               and not _in_a_word(c, n)]
    return len(numbers) == 1


def _loan_fact(kb: KnowledgeBase, lex: Lexicon, mentioned: Collection[str]) -> str | None:
    loans = [f for f in mentioned if f in lex.yearly_facts]
    return loans[0] if len(loans) == 1 else None


def _amount(kb: KnowledgeBase, lex: Lexicon, c: Clause, out: FigureReading, fact: str, text: str, n: Number,
            approx: bool, periods: set[str], periods_text: dict[str, str], *, own: bool = True) -> None:
    """``own``: the period is said in the figure's own clause, not carried from the clause before."""
    period = next(iter(periods)) if len(periods) == 1 else None
    stated = f"{periods_text.get(period, '')}{text}" if period else text
    if len(periods) > 1:
        out.figures.append(Figure(text, n.value, "other", fact, approx))
        out.clarify.append(Clarify(fact, "lang.ask.period", {"figure": text}, None))
        return
    factor = lex.period_factor.get(period, 1) if period else 1
    totalled = any(h.has("total") for h in c.hits)
    if factor > 1 and (totalled or not own) and any(w in c.s for w in lex.last_year):
        # "按季付息，去年合计付息40万", "we pay quarterly; the total for last year was 400k": the year's total, whatever
        # the payments' rhythm; never multiplied by it
        period, factor, stated = None, 1, text
    elif factor > 1 and totalled:
        # "按季付息，一共付了72万利息": a total of how long? Asked, never multiplied by the payments' rhythm.
        out.figures.append(Figure(text, n.value, "other", fact, approx))
        out.clarify.append(Clarify(fact, "lang.ask.period", {"figure": text}, None))
        return
    if (period == PARTIAL or (not periods and any(h.has("per_payment") for h in c.hits))) \
            and fact in lex.yearly_facts:
        # "利息付了两次，每次25万": a payment's figure with no period, or part of a year: asked, never the year's
        out.figures.append(Figure(text, n.value, "other", fact, approx, None))
        out.clarify.append(Clarify(fact, "lang.ask.period", {"figure": text}, None))
        return
    if factor > 1 and fact not in lex.yearly_facts:
        out.figures.append(Figure(text, n.value, "other", fact, approx, period))
        out.clarify.append(Clarify(fact, "lang.ask.period", {"figure": text}, None))
        return
    value = n.value * factor
    if kb.facts[fact].type == "money_list" and any(h.has("total") and h.end <= n.start for h in c.hits):
        out.figures.append(Figure(text, value, "other", fact, approx, period))
        out.clarify.append(Clarify(fact, "lang.ask.per_issue", {"figure": text}))
        return
    if n.bare and 0 < n.value < _SMALL_BARE:
        # "15" for the interest paid: 15 yuan or 15万? Ask, never compute from a guess.
        out.figures.append(Figure(text, value, "other", fact, approx, period))
        out.clarify.append(Clarify(fact, "lang.ask.unit", {"figure": text}, value))
        return
    out.figures.append(Figure(text, value, "amount", fact, approx, period))
    out.amounts.setdefault(fact, []).append(value)
    if factor > 1:
        out.notes.append(Note("lang.note.period", {"figure": text, "stated": stated, "period": period,
                                                   "factor": factor, "yearly": value}, fact))
    if approx:
        out.notes.append(Note("lang.note.approximate", {"figure": text, "value": value}, fact))


def _withdraw(out: FigureReading, fact: str, clarify: Clarify) -> None:
    """The amounts read for ``fact`` are not sure after all: none recorded, one question asked."""
    out.amounts.pop(fact, None)
    out.figures = [replace(f, role="other") if f.fact == fact and f.role == "amount" else f for f in out.figures]
    out.notes = [n for n in out.notes if n.fact != fact]
    out.clarify.append(clarify)


def _settle(kb: KnowledgeBase, lex: Lexicon, out: FigureReading, expecting: str | None,
            mentioned: Collection[str], clauses: list[Clause]) -> None:
    """Several different amounts for one money fact: ask which; a loan without its interest: ask it.

    Amounts that are not surely the applicant's own yearly figure are withdrawn and asked about: another
    kind of loan (a fact's ``mentions_false``), a total over several years, a group's or a share."""
    _actually_paid(lex, out, clauses)
    other_loans = {t.key for c in clauses for h in c.hits for t in h.of("mention_false") if t.key in out.amounts}
    kinds = [{n.kind for n in scan_numbers(c.s, lex.numbers)} for c in clauses]
    shares = {t.key for c, k in zip(clauses, kinds, strict=True) if "percent" in k and "money" not in k
              for h in c.hits for t in h.of("cue")}
    # "利息60万，我们付了一半", "我们和担保公司各付一半": a share of the figure paid, told in a clause of its own (not
    # the policy's 50% asked about: "贴息是一半吗")
    shared_out = any(any(h.has("fraction") for h in c.hits) and not _has_figure(lex, c) and not c.question
                     and not any(h.has("policy") or h.has("received") for h in c.hits) for c in clauses)
    hits = [h for c in clauses for h in c.hits]
    # "2023-2024年利息40万", "22年到现在": a span of years; "贷了3年…总共": a total over several years.
    several_years = any(lex.year_span.search(c.s) for c in clauses) or (any(h.has("total") for h in hits) and (
        any(any(t.key == PARTIAL for t in h.of("period")) for h in hits)
        or any(lex.durations.search(c.s) for c in clauses)))
    # Someone else in a clause about a loan or about nothing else ("几家子公司都有质押贷款", "每家子公司利息都是80万",
    # "和另一家联合贷款"); a parent named about something else ("母公司在北京，质押贷款利息60万") leaves the
    # applicant's own figure alone.
    party = any(_about_a_loan(lex, c) for c in clauses if any(h.has("party") for h in c.hits))
    unpaid = any(h.has("unpaid") and not c.supposed(h.start) for c in clauses for h in c.hits)
    one_of = any(h.has("one_of") for c in clauses for h in c.hits)  # "我们只是其中一家": a share of a whole
    partial = any(any(t.key == PARTIAL for t in h.of("period")) for h in hits)
    # "共付了40万，其中20万是今年1月付的", "利息100万，其中30万是罚息": a part of the figure told apart
    split_up = any(_told_apart(lex, c) for c in clauses)
    # "2023年利息80万，2024年90万", "去年利息80万，今年又付了60万": figures of several years, each in its clause
    dated = [c for c in clauses if _money_numbers(lex, c) and _year_said(lex, c)]
    # "今年利息比去年少10万": one figure beside two years is a difference or either year's; which year's is asked
    years_apart = (len(dated) > 1 and len({_year_said(lex, c) for c in dated}) > 1) or any(
        len(_years_said(lex, c)) > 1 for c in dated)
    # "两笔贷款，利息各40万", "two loans, each with 400k interest": one item's figure of several, not the year's
    each_item = any(h.has("each_issue") for c in clauses if _money_numbers(lex, c) for h in c.hits)
    # "我们付了利息80万的一半", "half of the 800k": a share of the figure told right with it
    part_of = any(_share_of_figure(lex, c) for c in clauses)
    for fact in list(out.amounts):
        figure = next((f.text for f in out.figures if f.fact == fact and f.role == "amount"), "")
        annualised = any(f.fact == fact and f.role == "amount" and f.period and lex.period_factor.get(f.period, 1) > 1
                         for f in out.figures)
        if fact in lex.yearly_facts and (split_up or each_item or part_of):
            _withdraw(out, fact, Clarify(fact, "lang.ask.whose_amount", {"figure": figure}))
        elif fact in lex.yearly_facts and annualised and partial:
            # "利息每月2万，付了8个月了": paid for part of the year only; ×12 would be a wrong amount
            _withdraw(out, fact, Clarify(fact, "lang.ask.one_year", {"figure": figure}))
        elif fact in lex.yearly_facts and (several_years or years_apart):
            # "贷了3年，每年利息30万，总共": a total of years; "2023年80万，2024年90万": which year's is asked
            _withdraw(out, fact, Clarify(fact, "lang.ask.one_year", {"figure": figure}))
        elif (fact in lex.yearly_facts and (party or fact in shares or shared_out)) or one_of:
            # "每家子公司利息都是80万", "利息占比30%，总利息200万", "产品规模是3个亿 我们只是其中一家": a group's or a
            # share, not the applicant's own (the interest question names the interest; others are confirmed)
            label = kb.facts[fact].label
            _withdraw(out, fact, Clarify(fact, "lang.ask.whose_amount", {"figure": figure}) if fact in lex.yearly_facts
                      else Clarify(fact, "lang.ask.confirm_amount",
                                   {"figure": figure, "label_zh": label.zh, "label_en": label.en}, None))
        elif fact in lex.yearly_facts and unpaid:  # "明年要付利息90万", "利息90万还没付": not paid yet
            _withdraw(out, fact, Clarify(fact, "lang.ask.one_year", {"figure": figure}))
        elif fact in other_loans:  # "房产抵押贷款，利息50万": not an IP pledge loan's interest (or not surely)
            _withdraw(out, fact, Clarify(fact, "lang.ask.ip_pledge_loan", {}))
    issues = max((_issue_count(lex, c.s) for c in clauses), default=0)
    for fact, values in list(out.amounts.items()):
        if kb.facts[fact].type == "money_list" and len(values) == 1 < issues and any(
                h.has("each_issue") for c in clauses for h in c.hits):
            # "发了两期，每期融资2亿", "3 tranches of 100 million each": the one figure is each issue's
            out.amounts[fact] = values * issues
            at = next(i for i, f in enumerate(out.figures) if f.fact == fact and f.role == "amount")
            out.figures[at + 1 : at + 1] = [out.figures[at]] * (issues - 1)  # one figure per issue, as if each said
            continue
        if kb.facts[fact].type == "money" and fact not in lex.yearly_facts and len(values) == 1 < issues and any(
                h.has("each_issue") for c in clauses for h in c.hits):
            # "证券化融资每期2000万，共3期": the one figure is each issue's; the financing is what they raised together.
            # Asked, never one issue's figure taken for all of it.
            figure = next((f.text for f in out.figures if f.fact == fact and f.role == "amount"), "")
            label = kb.facts[fact].label
            _withdraw(out, fact, Clarify(fact, "lang.ask.confirm_amount", {
                "figure": figure, "label_zh": label.zh, "label_en": label.en}, None))
            continue
        if kb.facts[fact].type == "money_list" and 0 < issues < len(values):
            # "发行2期，融资额分别为1.5亿、8000万；…融资2.3亿": more figures than the issues said; which are the
            # issues' is asked, never paid over all of them
            _withdraw(out, fact, Clarify(fact, "lang.ask.which_figure",
                                         {"figures": [f.text for f in out.figures if f.fact == fact]}, None))
            continue
        if kb.facts[fact].type == "money_list" and issues > len(values):
            # "发了两期，融资2亿": fewer figures than issues; each issue's own figure is asked for.
            figure = next((f.text for f in out.figures if f.fact == fact and f.role == "amount"), "")
            _withdraw(out, fact, Clarify(fact, "lang.ask.per_issue", {"figure": figure}))
            continue
        if kb.facts[fact].type == "money" and len(set(values)) > 1:
            _withdraw(out, fact, Clarify(fact, "lang.ask.which_figure",
                                         {"figures": [f.text for f in out.figures if f.fact == fact]}, None))
    untied = [i for i, f in enumerate(out.figures) if f.role == "other" and f.value and not f.approximate]
    if len(untied) == 1 and issues > 1 and not out.amounts and any(
            h.has("each_issue") for c in clauses for h in c.hits):
        # "证券化分三期发行，每期5000万" with no side named: the one figure is each issue's, whoever's it is; it stays
        # untied (the side is asked), and is told once per issue, so no reader takes one issue for all of them
        out.figures[untied[0] + 1 : untied[0] + 1] = [out.figures[untied[0]]] * (issues - 1)
    if any(w in c.s for c in clauses for w in lex.compared_others):
        # "同行付了50万，我们比他们多付20万": a difference from someone else's figure, never the applicant's own (J8)
        for fact in sorted(set(out.amounts) & set(lex.yearly_facts)):
            figure = next((f.text for f in out.figures if f.fact == fact and f.role == "amount"), "")
            _withdraw(out, fact, Clarify(fact, "lang.ask.whose_amount", {"figure": figure}))
    _listed_beside(lex, out, clauses)
    if any(w in c.s for c in clauses for w in lex.compared_years):
        # "我们利息比去年少了一半，去年是100万": a yearly figure against another year's; which year's is asked (J17)
        cued = {t.key for c in clauses for h in c.hits for t in h.of("cue") if t.key in lex.yearly_facts}
        for fact in sorted(cued | (set(out.amounts) & set(lex.yearly_facts))):
            loose = [f.text for f in out.figures
                     if f.role in ("amount", "other") and f.fact in (fact, None) and f.value]
            if fact in out.amounts:
                _withdraw(out, fact, Clarify(fact, "lang.ask.one_year", {"figure": loose[0] if loose else ""}))
            elif loose and not any(c.fact == fact for c in out.clarify):
                out.clarify.append(Clarify(fact, "lang.ask.one_year", {"figure": loose[0]}))
    if expecting is not None and expecting not in out.amounts and not out.clarify and any(
            f.role == "percent" for f in out.figures):
        out.clarify.append(Clarify(expecting, "lang.ask.rate_not_amount", {}))
    for f in out.figures:
        if f.role == "principal" and f.fact is not None and f.fact not in out.amounts and not any(
                c.fact == f.fact for c in out.clarify):
            out.clarify.append(Clarify(f.fact, "lang.ask.interest_or_principal", {"figure": f.text}, None))


def _actually_paid(lex: Lexicon, out: FigureReading, clauses: list[Clause]) -> None:
    """"应付利息80万，实际只付了60万", "800k but a 200k discount, so actually 600k": the one figure right after an
    actually-paid word is the yearly fact's amount ((四)1 "按照实际支付的利息"); the nominal figure is not recorded."""
    paid: list[str] = []  # the figures said right after an actually-paid word, one per clause
    for c in clauses:
        ats = [c.s.find(w) + len(w) for w in lex.actually_paid if w in c.s]
        after = next((n for n in _money_numbers(lex, c) if ats and n.start >= min(ats)), None)
        if after is not None:
            paid.append(c.s[after.start : after.end])
    facts = {f.fact for f in out.figures if f.fact in lex.yearly_facts and f.role in ("amount", "other")}
    if len(paid) != 1 or len(facts) != 1:
        return
    fact = next(iter(facts))
    if fact not in out.amounts and not any(c.fact == fact for c in out.clarify):
        return
    if any(c.fact == fact and c.key != "lang.ask.which_figure" for c in out.clarify):
        return  # asked for another reason (its unit, its period): still asked
    at = next((i for i, f in enumerate(out.figures) if f.text == paid[0] and f.role in ("amount", "other")
               and f.fact in (fact, None) and f.period is None and f.value), None)
    if at is None:
        return
    value = out.figures[at].value
    assert value is not None
    out.figures = [replace(f, role="other") if f.fact == fact and f.role == "amount" else f for f in out.figures]
    out.figures[at] = replace(out.figures[at], role="amount", fact=fact)
    out.amounts[fact] = [value]
    out.notes = [x for x in out.notes if x.fact != fact]
    out.clarify = [x for x in out.clarify if x.fact != fact]


def _listed_beside(lex: Lexicon, out: FigureReading, clauses: list[Clause]) -> None:
    """"our interest: 500k, 300k and 400k on three loans": a yearly fact's figure listed beside other money figures
    of no fact in its clause; whether they add up to the year's total is not said, so which is asked (J16), never
    the first alone."""
    for fact in sorted(set(out.amounts) & set(lex.yearly_facts)):
        mine = [f for f in out.figures if f.fact == fact and f.role == "amount"]
        loose = {f.text for f in out.figures if f.fact is None and f.role == "other" and f.value}
        if len(mine) != 1 or not loose:
            continue
        for ci, c in enumerate(clauses):
            said = _listed(c.s, _money_numbers(lex, c))
            if mine[0].text not in said:
                continue
            following = clauses[ci + 1] if ci + 1 < len(clauses) else None
            listed = _money_numbers(lex, following) if following is not None else []
            if listed and following is not None and not following.s[: listed[0].start].strip() \
                    and said[-1] == mine[0].text:
                said += _listed(following.s, listed)  # "500k, 300k and 400k": the list goes on
            if len(said) > 1 and any(t in loose for t in said if t != mine[0].text):
                _withdraw(out, fact, Clarify(fact, "lang.ask.which_figure", {"figures": said}, None))
                break


_LIST_GAP = re.compile(r"\s*(?:[,，、;；]|and|和|及|以及|跟)?\s*(?:and\s*)?")


def _listed(s: str, numbers: list[Number]) -> list[str]:
    """The last run of figures told one after another as a list ("500k, 300k and 400k", "40万、90万"): only list
    separators between them ("90k not 900k" is no list)."""
    run: list[str] = []
    for i, n in enumerate(numbers):
        if i and _LIST_GAP.fullmatch(s[numbers[i - 1].end : n.start]) is None:
            run = []
        run.append(s[n.start : n.end])
    return run


def _theirs_before(c: Clause, n: Number, *, any_party: bool = False) -> bool:
    """Someone else (``others``: a party that is also a topic, "同行", "别人"; with ``any_party`` any party, "合作方")
    is the subject of the figure: named before it in the clause with no self-reference between ("听同行说他们证券化融了
    一个亿")."""
    return any(h.has("party") and (any_party or h.has("topic")) and h.end <= n.start
               and not any(x.has("self") and not x.has("their") and h.end <= x.start < n.start for x in c.hits)
               for h in c.hits)


def _share_of_figure(lex: Lexicon, c: Clause) -> bool:
    """A fraction right after a money figure ("80万的一半") or right before one through "of" ("half of the 800k")."""
    numbers = [n for n in scan_numbers(c.s, lex.numbers) if n.kind == "money"]
    return any(h.has("fraction") and (c.s[n.end : h.start].strip() in ("", "的")
                                      or re.fullmatch(r"\s*of( the)?\s*", c.s[h.end : n.start]) is not None)
               for h in c.hits for n in numbers)


def _told_apart(lex: Lexicon, c: Clause) -> bool:
    """A part of a figure told apart in the clause: a money figure after an of-which word with no cue between them
    ("其中20万是今年付的", "其中手续费5万", "including a 50k handling fee"; "其中利息25万" names its own fact) or a
    share after one ("其中一半由风险补偿资金代偿了": what the applicant itself paid is not the figure), or
    right before an of-which-after word ("200k of it was paid this January")."""
    numbers = [n for n in scan_numbers(c.s, lex.numbers) if n.kind == "money"]
    for m in lex.of_which.finditer(c.s):
        after = next((n for n in numbers if n.start >= m.end()), None)
        if after is not None and not any(h.has("cue") and m.end() <= h.start < after.start for h in c.hits):
            return True
        if any(h.has("fraction") and h.start >= m.end() for h in c.hits):  # "其中一半由风险补偿资金代偿了"
            return True
    return any(c.s[n.end :].lstrip().startswith(lex.of_which_after) for n in numbers)


def _year_said(lex: Lexicon, c: Clause) -> str:
    """The year a clause names: a year's figure ("2023年") or a year in words ("去年", "今年"); "" when none."""
    for n in scan_numbers(c.s, lex.numbers):
        if n.kind == "year":
            return str(n.value)
    return next((w for w in (*lex.last_year, *lex.other_years) if w in c.s), "")


def _years_said(lex: Lexicon, c: Clause) -> set[str]:
    """Every year a clause names ("今年利息比去年少10万" names two); a word inside a longer one ("前年" of "大前年") is
    not a year of its own."""
    years = {str(n.value) for n in scan_numbers(c.s, lex.numbers) if n.kind == "year"}
    rest = c.s
    for w in sorted((*lex.last_year, *lex.other_years), key=len, reverse=True):
        if w in rest:
            years.add("last_year" if w in lex.last_year else w)
            rest = rest.replace(w, " ")
    return years


def _about_a_loan(lex: Lexicon, c: Clause) -> bool:
    """The clause speaks of a yearly fact's loan (its mention, cue or a principal word), or of nothing else:
    no place and no other fact named."""
    if any(h.has("principal") or any(t.key in lex.yearly_facts for t in (*h.of("mention"), *h.of("cue")))
           for h in c.hits):
        return True
    return not any(h.has("city") or h.has("inside") or h.has("outside") or h.has("mention") for h in c.hits)


def _issue_count(lex: Lexicon, s: str) -> int:
    """How many issues a clause says there were ("两期", "3期"); 0 when it says none."""
    counts = [lex.count_words.get(m.group(1)) or next((int(n.value) for n in scan_numbers(m.group(1), lex.numbers)), 0)
              for m in lex.issue_count.finditer(s)]  # "两期", "3期", "two tranches"
    return max(counts, default=0)
