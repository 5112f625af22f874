"""A message cut into clauses, each with its vocabulary hits: facts are read clause by clause.

"都没有，但我们有商标品牌指导站" is two clauses; a negation or a cue only reaches within its clause.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cached_property

from eligibility.language.lexicon import Lexicon
from eligibility.language.terms import Hit
from eligibility.normalize import normalize
from eligibility.parsing import looks_like_question

# Concept kinds a negation or client cue applies to (the rest are cue words).
CONCEPTS = frozenset({"mention", "option", "applicant", "city", "inside", "outside"})
_NEG_BEFORE, _NEG_AFTER, _CLIENT_REACH = 6, 4, 4
_NEG_BEFORE_ASCII, _NEG_WORDS = 24, 3
_NEG_LIST_ASCII, _NEG_LIST_WORDS = 48, 8
_DONE_REACH = 2  # "驰名商标也批了": a done word this near after a mention
_SENTENCE_END = re.compile(r"[。.!?\n]")
_ASKED_LAST = re.compile(r"[\s的]*[吗么嘛][\s?。.!~]*")  # the mention is what a yes/no question ends on
# A clause longer than this is read in pieces (no one writes such a clause; it keeps reading linear).
MAX_CLAUSE = 160


@dataclass(frozen=True)
class Clause:
    """One clause and its hits (non-overlapping, in order); every check looks only a few characters around."""

    s: str  # normalised
    cased: str  # the same, ASCII case kept
    hits: tuple[Hit, ...]
    question: bool = False  # the clause asks something
    list_gap: re.Pattern[str] | None = None  # the lexicon's joiners of a list; None: a list is not followed
    of_clients: bool = False  # the clause speaks of the applicant's clients ("客户是生物医药企业" after "给客户做…")
    supposed_from: int = MAX_CLAUSE + 1  # where a supposition starts ("如果…"): nothing after it is stated
    client_words: tuple[str, ...] | None = None  # the lexicon's words naming clients ("客户", "clients")
    disowned: bool = False  # the next clause says it is not the applicant's ("马德里是总部拿的，不是我们")

    @cached_property
    def _index(self) -> dict[int, int]:
        return {h.start: i for i, h in enumerate(self.hits)}

    @cached_property
    def _last_concept(self) -> int:
        return max((h.start for h in self.hits if any(t.kind in CONCEPTS for t in h.tags)), default=-1)

    def _first_end(self, *kinds: str) -> int:
        return min((h.end for h in self.hits if any(h.has(k) for k in kinds)), default=len(self.s) + 1)

    @cached_property
    def _topic_end(self) -> int:
        return self._first_end("topic", "question")

    @cached_property
    def _achieved_end(self) -> int:
        return self._first_end("achieved")

    def before(self, hit: Hit, reach: int) -> list[Hit]:
        """Hits ending at most ``reach`` characters before ``hit``, nearest first."""
        out = []
        for j in range(self._index[hit.start] - 1, -1, -1):
            h = self.hits[j]
            if hit.start - h.end > reach:
                break
            out.append(h)
        return out

    def after(self, hit: Hit, reach: int) -> list[Hit]:
        out = []
        for j in range(self._index[hit.start] + 1, len(self.hits)):
            h = self.hits[j]
            if h.start - hit.end > reach:
                break
            out.append(h)
        return out

    def _negated_here(self, hit: Hit) -> bool:
        for h in self.before(hit, _NEG_BEFORE):
            if h.has("neg"):
                return True
            if {t.key for t in h.of("option")} & {t.key for t in hit.of("option")}:
                break  # "不是金奖是银奖": the negation is the nearer option's, not this one's
        # An English negation reaches a few words ("we don't have any madrid registrations").
        if any(h.has("neg") and h.term.isascii() and len(self.s[h.end : hit.start].split()) <= _NEG_WORDS
               for h in self.before(hit, _NEG_BEFORE_ASCII)):
            return True
        # "we don't run a platform or a maker space": an English negation reaches along an or-list.
        if any(h.has("neg") and h.term.isascii() and len(words := self.s[h.end : hit.start].split()) <= _NEG_LIST_WORDS
               and {"or", "nor"} & set(words) for h in self.before(hit, _NEG_LIST_ASCII)):
            return True
        return any(h.has("neg") and h.start >= self._last_concept for h in self.after(hit, _NEG_AFTER))

    def negated(self, hit: Hit) -> bool:
        """A negation just before the hit ("没有马德里"), or after it at the clause's end ("马德里还没有").

        A negation reaches along a list: "没有马德里和驰名商标", "马德里和驰名商标都没有" negate both."""
        if hit.has("mention_false") and not any(t.kind in CONCEPTS for t in hit.tags):
            # "不出口也不是中小企业": words that deny ("不是中小企业") are denied again only by a negation right
            # before them, never by the nearer fact's ("不出口")
            return any(h.has("neg") and h.end == hit.start for h in self.before(hit, 1))
        if self._negated_here(hit):
            return True
        concepts = [h for h in self.hits if any(t.kind in CONCEPTS for t in h.tags)]
        i = next((k for k, h in enumerate(concepts) if h.start == hit.start), None)
        if i is None:
            return False
        for step in (-1, 1):
            j = i
            while 0 <= j + step < len(concepts):
                a, b = (concepts[j + step], concepts[j]) if step < 0 else (concepts[j], concepts[j + step])
                if self.list_gap is None or self.list_gap.fullmatch(self.s[a.end : b.start]) is None:
                    break
                j += step
                if self._negated_here(concepts[j]):
                    return True
        return False

    @cached_property
    def _pending_end(self) -> int:
        return self._first_end("pending")

    def pending(self, hit: Hit) -> bool:
        """Applied for, planned or in another year ("准备申请驰名商标", "驰名商标还在申请"): not the fact (yet)."""
        if self._pending_end <= hit.start or any(h.has("pending") for h in self.after(hit, _NEG_AFTER)):
            return True
        # "our Madrid registration is still under review": an English pending word a few words after it
        return any(h.has("pending") and h.term.isascii() and h.start >= hit.end
                   and len(self.s[hit.end : h.start].split()) <= _NEG_WORDS for h in self.hits)

    def asked_about(self, hit: Hit) -> bool:
        """After "想了解", "问", "有没有", "是否" or a supposition ("如果"): what follows is asked about."""
        return self._topic_end <= hit.start or self.supposed(hit.start)

    def supposed(self, at: int) -> bool:
        """Position ``at`` is inside a supposition ("如果我们拿了金奖", "万一利息付了100万")."""
        return self.supposed_from <= at

    def topic(self, hit: Hit) -> bool:
        """The hit is what the user asks about ("想了解贯标补贴", "有没有马德里的补贴", "马德里注册能补多少？").

        In a question a mention is a topic unless the clause states it before ("我们拿了银奖能补多少") or the
        applicant says it has done it ("问一下我们去年马德里注册了三个国家…能拿多少")."""
        if self._said_done(hit) and not self.supposed(hit.start):
            return False
        if self.question and _ASKED_LAST.fullmatch(self.s[hit.end :]) and not self.s.isascii():
            return True  # "我们有马德里注册吗？": the clause asks whether, it does not say so
        return self.asked_about(hit) or (self.question and self._achieved_end > hit.start)

    def _said_done(self, hit: Hit) -> bool:
        """A self-reference after any inquiry word before the hit, and a done word of two characters or more
        right after it ("我们…马德里注册了", "我们…驰名商标也批了"): the applicant states it."""
        last_topic = max((h.end for h in self.hits if h.end <= hit.start and (h.has("topic") or h.has("question"))),
                         default=-1)
        if not any(h.has("self") and last_topic <= h.start and h.end <= hit.start for h in self.hits):
            return False
        return any(h.has("achieved") and len(h.term) >= 2 for h in self.after(hit, _DONE_REACH))

    def about_clients(self, hit: Hit) -> bool:
        """The hit describes the applicant's clients ("主要给小微企业做维权"), not the applicant.

        Only the words right after "给/为/面向…" are the clients: "给小微企业做维权援助" still states the aid."""
        if self.of_clients:
            return True
        # "我们的客户都是石家庄的中小企业", "One of our clients is a pharma company": the clients named as the subject
        # before the hit, with no self-reference after them, are what the words describe.
        named = [h for h in self.hits[: self._index[hit.start]] if h.has("client") and self.client_word(h.term)]
        if named and not any(x.has("self") and x.start >= named[-1].end for x in self.hits[: self._index[hit.start]]):
            return True
        for k, h in enumerate(self.before(hit, _CLIENT_REACH)):
            if h.has("client"):
                between = self.before(hit, _CLIENT_REACH)[:k]
                return not any(x.has("self") or any(t.kind in CONCEPTS for t in x.tags) for x in between)
        return False

    def client_word(self, term: str) -> bool:
        return self.client_words is not None and any(w in term for w in self.client_words)

    def kinds(self, kind: str) -> list[Hit]:
        return [h for h in self.hits if h.has(kind)]


def prepared(text: str) -> tuple[str, str]:
    """The message normalised (and with ASCII case kept); the full-width comma becomes a clause break."""
    raw = text.replace("，", ";").replace("﹐", ";")
    return normalize(raw), normalize(raw, lower=False)


def split(lex: Lexicon, s: str, cased: str) -> list[Clause]:
    out: list[Clause] = []
    seps: list[str] = []  # what ends each clause
    pos = 0
    bounds = [(m.start(), m.end()) for m in lex.clause_split.finditer(s)] + [(len(s), len(s))]
    for start, end in bounds:
        a, b = pos, start
        pos = end
        piece, piece_cased = s[a:b], cased[a:b]
        lead = len(piece) - len(piece.lstrip())
        piece, piece_cased = piece.strip(), piece_cased[lead:lead + len(piece.strip())]
        while len(piece) > MAX_CLAUSE:
            out.append(Clause(piece[:MAX_CLAUSE], piece_cased[:MAX_CLAUSE],
                              tuple(lex.index.scan(piece[:MAX_CLAUSE], piece_cased[:MAX_CLAUSE])),
                              list_gap=lex.list_gap, client_words=lex.client_words))
            seps.append("")
            piece, piece_cased = piece[MAX_CLAUSE:], piece_cased[MAX_CLAUSE:]
        if piece:
            asks = looks_like_question(piece) or (end > start and "?" in s[start:end])
            out.append(Clause(piece, piece_cased, tuple(lex.index.scan(piece, piece_cased)), asks, lex.list_gap,
                              client_words=lex.client_words))
            seps.append(s[start:end] if end > start else ".")
    # "我们给客户做专利导航，客户是生物医药企业": the speaker serves clients, so a clause opened by "客户" is theirs.
    # Pieces cut at a space belong to one sentence: a question at its end asks them all ("金奖 银奖 各多少").
    # A tag question asks the clause before it ("The maker space award is 200,000 yuan, right?", "金奖是50万，对吧？").
    for i in range(len(out) - 2, -1, -1):
        tag = out[i + 1].question and out[i + 1].s.strip(" ?") in lex.tag_questions
        if (seps[i] == " " or tag) and out[i + 1].question and not out[i].question:
            out[i] = replace(out[i], question=True)
    # A supposition reaches to the end of its sentence: across commas and clause words, not past 。!?
    carried = False
    for i, (c, sep) in enumerate(zip(out, seps, strict=True)):
        starts = [h.start for h in c.hits if h.has("supposed")]
        if carried or starts:
            out[i] = replace(c, supposed_from=0 if carried else starts[0])
            carried = not _SENTENCE_END.search(sep)
    serves = any(h.has("client") and any(w in h.term for w in lex.client_words) for c in out for h in c.hits)
    if serves:
        out = [replace(c, of_clients=True) if c.s.startswith(lex.client_words) or (
            c.s.isascii() and _opens_with_clients(lex, c)) or _our_clients_subject(lex, c) else c for c in out]
    if serves or any(_serves_as_agency(lex, c) for c in out):
        # "我们是代理机构，有个客户去年拿了银奖": an agency speaking of itself; its 客户 are its clients.
        if not serves:
            out = [replace(c, of_clients=True) if _opens_with_clients(lex, c) else c for c in out]
        for i in range(1, len(out)):  # "…，客户是一家做疫苗的企业，在藁城": the clients' clause goes on
            if out[i - 1].of_clients and not any(h.has("self") for h in out[i].hits):
                out[i] = replace(out[i], of_clients=True)
    # "隔壁厂在鹿泉，他们有马德里注册", "我们母公司在北京，拿过驰名商标": a clause about someone else, then one that
    # opens with their pronoun or with a verb and no subject: still theirs, so nothing in it is stated of the
    # applicant.
    for i in range(1, len(out)):
        prev, c = out[i - 1], out[i]
        if _about_others(prev) and c.hits and c.hits[0].start == 0 and (
                c.hits[0].has("their") or (c.hits[0].has("achieved") and not any(h.has("self") for h in c.hits))):
            out[i] = replace(c, supposed_from=0)
    # "马德里是集团总部拿的，不是我们", "the award was our partner's, not ours": the clause before is someone else's.
    for i in range(1, len(out)):
        if _not_ours(lex, out[i].s) and out[i - 1].hits:
            out[i - 1] = replace(out[i - 1], of_clients=True, disowned=True)
    return out



def _not_ours(lex: Lexicon, s: str) -> bool:
    """The clause only says "不是我们(的)", "not us", "not ours"."""
    rest = s.strip(" ,;.!?~。").rstrip("啊呀吧哈啦呢哦")
    for w in lex.disowning_leads:
        if rest.startswith(w):
            rest = rest[len(w):].lstrip()
            break
    said = next((w for w in lex.not_it if rest.startswith(w)), None)
    if said is None:
        return False
    rest = rest[len(said):].lstrip()
    if not rest and any(w in said for w in lex.first_person):
        return True  # "跟我们没关系", "nothing to do with us": the whole denial names the applicant
    return any(rest.startswith(w) and rest[len(w):].strip() in lex.ours_tails
               for w in (*lex.first_person, *lex.ours_words))


_CLIENT_OPENS = 4  # "有个客户", "我们的客户", "one of our clients": the clients are the clause's subject


def _our_clients_subject(lex: Lexicon, c: Clause) -> bool:
    """"我们的客户是一家做芯片的公司": the clause opens with the applicant's clients as its subject (a first-person
    possessive then a client word, "我们的客户", "我客户"), not with a service for them ("我们给客户做导航")."""
    h = c.hits[0] if c.hits else None
    return h is not None and h.start == 0 and h.has("client") and h.term.startswith(lex.first_person) \
        and h.term.endswith(lex.client_words)


def _opens_with_clients(lex: Lexicon, c: Clause) -> bool:
    return any(0 <= c.s.find(w) <= _CLIENT_OPENS + (8 if w.isascii() else 0) for w in lex.client_words)


def led_by_others(c: Clause) -> bool:
    """Someone else opens the clause as its subject ("合作的高校拿了银奖", "our supplier exports"): what it names is
    theirs, though a party may be named in the applicant's own deeds further on ("我们和合作单位一起做了导航")."""
    return bool(c.hits) and c.hits[0].has("party") and c.hits[0].start == 0 and _about_others(c)


def _about_others(c: Clause) -> bool:
    """The clause's subject is someone else: a party word before any self-reference of the applicant's own
    ("我们母公司…" names our parent, "隔壁厂…" a neighbour)."""
    party = next((h for h in c.hits if h.has("party")), None)
    return party is not None and not any(h.has("self") and h.start > party.start for h in c.hits)


def _serves_as_agency(lex: Lexicon, c: Clause) -> bool:
    """The speaker describes itself, in the first person, as a body that serves clients ("我们是代理机构"); a forward's
    "客户是代理机构" introduces the applicant, whose 客户 words are the help desk's, not the agency's."""
    return any(h.has("applicant") and any(t.key in lex.serving_types for t in h.of("applicant"))
               and any(b.has("self") and b.term.startswith(lex.first_person) for b in c.before(h, 6)) for h in c.hits)
