"""Match a free-text question to the policy's benefits, or to a subject the policy does not cover.

Why this shape: questions are one line typed on a phone, in shorthand, with typos and near-homophones
(质压, 驰明), sometimes traditional characters or English. Aliases in the knowledge base are what
people actually say, so matching them well beats general text retrieval. The index is built once
from a KnowledgeBase; a query then costs well under a millisecond:

1. Chinese terms (titles, aliases) are found in the normalised question exactly, by toneless pinyin
   (homophone typos), and with one syllable substituted for terms of five or more (visual typos).
   English terms are matched as word sequences after stemming, with light fuzzy matching of words.
2. Overlapping matches are resolved longest first, so "河北省专利奖" (not covered) wins over
   "专利奖" (covered) and "国家级规范化市场" over "规范化市场".
3. A term weighs its length, divided among the benefits that share it: 示范区 counts half for each
   demonstration zone, 省级 tips the balance. Out-of-scope subjects are terms too.
4. Refusal: nothing scores above a threshold; or a near miss (an IP matter outside the policy,
   another city) matched and the best benefit's own words do not explain it; or a non-IP subject
   matched and the policy's terms are not clearly stronger; or an English question rests on one-word terms
   only ("gold", "national") among words no text of the knowledge base uses ("price", "holiday") and says
   nothing of money or support. Thresholds are tuned on the tune split.

Pure: no I/O, no clock; everything comes from the KnowledgeBase passed in.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from pypinyin import lazy_pinyin
from rapidfuzz import fuzz, process

from eligibility.parsing import normalize
from knowledge.models import Benefit, KnowledgeBase, Lang, OutOfScope

MatchKind = Literal["exact", "pinyin", "fuzzy"]

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[a-z0-9]+")
_SPACES = re.compile(r"\s+")
_QUALITY: dict[MatchKind, float] = {"exact": 1.0, "pinyin": 0.85, "fuzzy": 0.7}
# A clause asked by its number, as the cards print it ("（五）4", "第（十三）条", "第十条", "clause 11", "clause 5.4").
_NUMERAL = "[一二三四五六七八九十]{1,3}"
_CLAUSE_ZH = re.compile(rf"第?\(({_NUMERAL})\)\s*(?:第)?(\d|[一二三四五六七八九])?(?![\d.])(?:条|项|款|点)?"
                        rf"|第({_NUMERAL}|\d{{1,2}})(?:条|项)(?:第([一二三四五六七八九]|\d)(?:款|项|点))?")
_CLAUSE_EN = re.compile(r"\b(?:clause|item|article)\s+(\d{1,2})(?:\.(\d))?\b")
# Two words joined before one head noun ("示范和优势企业", "demonstration and advantage enterprise").
_JOINED_ZH = re.compile(r"([\u4e00-\u9fff]{1,6})(?:和|与|及|跟|、|或)")
_JOINED_EN = re.compile(r"\b([a-z]+) (?:and|or|&) ([a-z]+) ([a-z]+)\b")
_DIGITS = {c: i for i, c in enumerate("一二三四五六七八九", start=1)}

# Function words dropped before English terms are matched, so "loans secured by patents" meets
# the term "secured patent". Domain words (city, level, award ...) are kept.
_STOPWORDS = frozenset((
    "a", "an", "the", "of", "for", "to", "in", "on", "at", "by", "with", "and", "or", "our", "we", "us",
    "my", "me", "you", "your", "i", "it", "its", "this", "that", "these", "those", "is", "are", "was",
    "were", "be", "been", "being", "do", "does", "did", "can", "could", "get", "got", "any", "some",
    "there", "here", "what", "whats", "what's", "how", "much", "many", "who", "whom", "which", "when",
    "where", "from", "have", "has", "had", "will", "would", "should", "shall", "may", "might", "just",
    "also", "please", "hi", "hey", "thing", "things", "about", "as", "if", "so", "than", "then", "u",
    "s", "t", "re", "ll", "ve", "d", "m", "whether", "because", "though", "although", "while",
))
# Words present in most English aliases: they count, but less than the words that tell benefits apart.
_GENERIC_WORDS = frozenset((
    "ip", "patent", "trademark", "intellectual", "property", "subsidy", "reward", "fund", "grant",
    "support",
))
_BRITISH = (("isation", "ization"), ("ising", "izing"), ("ised", "ized"), ("ise", "ize"), ("ises", "izes"),
            ("centre", "center"), ("licence", "license"), ("programme", "program"))


@dataclass(frozen=True)
class MatchParams:
    """Weights and thresholds; the defaults were tuned on the tune split of bench/ask_questions.yaml."""

    min_score: float = 1.6          # below this support for the best benefit, refuse
    min_score_text_only: float = 2.0  # the same when no term matched, only the benefit's own text
    non_ip_ratio: float = 1.0       # refuse a non-IP subject unless in-scope score > ratio * its weight
    share_power: float = 1.0        # a term shared by n benefits gives each weight / n ** power
    english_word_weight: float = 2.0
    generic_word_weight: float = 1.0
    min_fuzzy_syllables: int = 5    # one-syllable substitution only for terms at least this long
    runner_up_ratio: float = 0.5    # a second benefit is offered when it scores this share of the best
    confidence_scale: float = 4.0   # score at which confidence reaches about 63 %
    backoff_weight: float = 0.5     # weight of the benefit's own text (rare character pairs, words)
    backoff_max_share: float = 0.15  # pairs or words in more than this share of benefits are ignored
    clause_weight: float = 4.0      # a clause named by its number ("第（十三）条") weighs as a four-character term
    loose_words: int = 2            # an English question on one-word terms only, with this many words the
                                    # knowledge base never uses and no word of support or figure, is about another thing


@dataclass(frozen=True)
class Hit:
    """One term found in the question: where, how, and whom it points to."""

    term: str
    start: int
    end: int
    kind: MatchKind
    weight: float
    benefits: tuple[str, ...] = ()
    subjects: tuple[str, ...] = ()
    english: bool = False


@dataclass(frozen=True)
class Scored:
    benefit: Benefit
    score: float


@dataclass(frozen=True)
class MatchResult:
    """What the question is about. ``refused`` means: not this policy (``subject`` says which, if known)."""

    lang: Lang
    ranked: tuple[Scored, ...]
    refused: bool
    subject: OutOfScope | None
    confidence: float
    hits: tuple[Hit, ...] = field(default=())

    @property
    def best(self) -> Scored | None:
        return self.ranked[0] if self.ranked else None

    def top(self, n: int) -> list[str]:
        return [s.benefit.id for s in self.ranked[:n]]


@dataclass
class _Entry:
    """A term of the index and everything it points to."""

    text: str
    benefits: list[str] = field(default_factory=list)
    subjects: list[str] = field(default_factory=list)


def detect_lang(text: str) -> Lang:
    """Chinese when CJK characters carry at least a third as much as the Latin letters do.

    A Chinese question with "ABS" or "TISC" in it stays Chinese; an English one quoting 贯标 stays English.
    """
    cjk = len(_CJK.findall(text))
    latin = sum(1 for c in text if c.isascii() and c.isalpha())
    if cjk == 0:
        return "en" if latin else "zh"
    return "zh" if cjk * 3 >= latin else "en"


def stem(word: str) -> str:
    """A deliberately small stemmer: enough for plurals, -ed/-ing and British spellings."""
    w = word
    for brit, us in _BRITISH:
        if w.endswith(brit):
            w = w[: -len(brit)] + us
            break
        if w.endswith(brit + "s"):  # "licences", "programmes"
            w = w[: -len(brit) - 1] + us + "s"
            break
    if len(w) <= 3:
        return w
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    for suffix in ("ing", "ed", "es", "s", "e"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            if suffix == "s" and w.endswith(("ss", "us", "is")):
                return w
            return w[: -len(suffix)]
    return w


def english_words(text: str) -> list[str]:
    """Stemmed content words of (normalised) text."""
    return [stem(w) for w in _LATIN_WORD.findall(text) if w not in _STOPWORDS]


@lru_cache(maxsize=8192)
def _syllable(ch: str) -> str:
    """Toneless pinyin of one character, with the initials and finals people confuse folded together."""
    if not _CJK.match(ch):
        return ch
    s = lazy_pinyin(ch)[0]
    for a, b in (("zh", "z"), ("ch", "c"), ("sh", "s")):
        if s.startswith(a):
            s = b + s[len(a):]
            break
    if s.endswith("ng") and s[-3:-2] in ("i", "e"):
        s = s[:-1]
    return s


@lru_cache(maxsize=8192)
def _raw_syllable(ch: str) -> str:
    """Toneless pinyin of one character as spoken, nothing folded (jin and jing stay apart)."""
    return lazy_pinyin(ch)[0] if _CJK.match(ch) else ch


def _raw_syllables(text: str) -> tuple[str, ...]:
    return tuple(_raw_syllable(c) for c in text)


def _syllables(text: str) -> tuple[str, ...]:
    return tuple(_syllable(c) for c in text)


def _compact(text: str) -> str:
    return _SPACES.sub("", text)


def _cjk_pairs(text: str) -> list[str]:
    return [text[i:i + 2] for i in range(len(text) - 1) if _CJK.match(text[i]) and _CJK.match(text[i + 1])]


def _is_cjk_term(text: str) -> bool:
    return bool(_CJK.search(text))


def _find_all(text: str, word: str) -> list[int]:
    out: list[int] = []
    pos = text.find(word)
    while pos >= 0:
        out.append(pos)
        pos = text.find(word, pos + 1)
    return out


class Matcher:
    """The index over one knowledge base. Build once (about 10 ms), then ``match`` many times."""

    def __init__(self, kb: KnowledgeBase, params: MatchParams | None = None) -> None:
        self.kb = kb
        self.params = params or MatchParams()
        self._order = {b.id: i for i, b in enumerate(kb.benefits)}
        self._subjects = {s.id: s for s in kb.out_of_scope}
        zh: dict[str, _Entry] = {}
        en: dict[tuple[str, ...], _Entry] = {}
        for b in kb.benefits:
            for term in self._benefit_terms(b):
                self._add(zh, en, term, benefit=b.id)
        for s in kb.out_of_scope:
            for term in s.terms:
                self._add(zh, en, term, subject=s.id)
        self._zh = zh
        self._en = en
        # pinyin and one-substitution indexes over the Chinese terms
        self._by_pinyin: dict[tuple[str, ...], list[_Entry]] = {}
        self._by_mask: dict[tuple[int, tuple[str, ...]], list[_Entry]] = {}
        for entry in zh.values():
            syl = _syllables(entry.text)
            self._by_pinyin.setdefault(syl, []).append(entry)
            if (entry.benefits and len(syl) >= self.params.min_fuzzy_syllables
                    and all(_CJK.match(c) for c in entry.text)):
                for i in range(len(syl)):
                    self._by_mask.setdefault((i, (*syl[:i], "?", *syl[i + 1:])), []).append(entry)
        self._zh_lengths = sorted({len(t) for t in zh}, reverse=True)
        self._mask_lengths = sorted({len(k[1]) for k in self._by_mask}, reverse=True)
        self._en_lengths = sorted({len(k) for k in en}, reverse=True)
        self._en_vocab_set = frozenset(w for k in en for w in k)
        # typos are read towards the policy's own words only: "factory" is a word, not a slip for "factoring"
        self._en_vocab = sorted({w for k, e in en.items() if e.benefits for w in k})
        # "knwon", "trademrak": two letters swapped is one slip of the fingers, though ratio counts it as two
        self._en_swaps: dict[str, list[str]] = {}
        for w in self._en_vocab:
            if len(w) >= 5:
                self._en_swaps.setdefault("".join(sorted(w)), []).append(w)
        self._build_backoff(kb)
        # the words of support ("subsidy", "reward", "paid" ...): a question that says one asks about money
        cues = kb.vocabulary.questions
        self._support = tuple(w.lower() for w in (cues.support if cues is not None else []) if w and w[0].isascii())
        self._known_en = frozenset(w for t in _english_texts(kb) for w in english_words(normalize(t)))
        # words of the applicant vocabulary ("专利代理", "代理机构"): a typo reading may not cut through one
        self._protected = sorted({w for t in kb.vocabulary.applicants.types for w in
                                  (_compact(normalize(x)) for x in t.words) if len(w) >= 2 and _is_cjk_term(w)})
        # each benefit's own words: a near miss they contain is explained, not a reason to refuse
        self._own_chars: dict[str, frozenset[str]] = {}
        self._own_words: dict[str, frozenset[str]] = {}
        for b in kb.benefits:
            zh_text = normalize(" ".join([b.title.zh, b.summary.zh, b.source, *b.aliases]))
            en_text = normalize(" ".join([b.title.en, b.summary.en, *[a for a in b.aliases if not _is_cjk_term(a)]]))
            self._own_chars[b.id] = frozenset(c for c in zh_text if _CJK.match(c))
            self._own_words[b.id] = frozenset(english_words(en_text))

    # -- building --------------------------------------------------------------------------------
    def _benefit_terms(self, b: Benefit) -> Iterable[str]:
        yield b.title.zh
        yield from b.aliases

    def _add(self, zh: dict[str, _Entry], en: dict[tuple[str, ...], _Entry], term: str, *,
             benefit: str | None = None, subject: str | None = None) -> None:
        norm = normalize(term)
        if _is_cjk_term(norm):
            key = _compact(norm)
            entry = zh.setdefault(key, _Entry(key))
        else:
            words = tuple(english_words(norm))
            if not words:
                return
            entry = en.setdefault(words, _Entry(" ".join(words)))
        if benefit is not None and benefit not in entry.benefits:
            entry.benefits.append(benefit)
        if subject is not None and subject not in entry.subjects:
            entry.subjects.append(subject)

    def _build_backoff(self, kb: KnowledgeBase) -> None:
        """Rare character pairs and English words of each benefit's own text, with their IDF.

        They catch the policy's wording that no alias lists (规模化, 弱势群体, "large-scale"), at a
        fraction of an alias's weight, so they rank candidates but rarely decide scope alone.
        """
        n = len(kb.benefits)
        pair_docs: dict[str, set[str]] = {}
        word_docs: dict[str, set[str]] = {}
        for b in kb.benefits:
            zh_text = _compact(normalize(f"{b.title.zh}{b.summary.zh}{b.source}"))
            for pair in _cjk_pairs(zh_text):
                pair_docs.setdefault(pair, set()).add(b.id)
            for w in english_words(normalize(f"{b.title.en} {b.summary.en}")):
                word_docs.setdefault(w, set()).add(b.id)
        limit = self.params.backoff_max_share * n
        # the policy's own name says which policy, never which entry ("does the policy fund TISCs")
        title_pairs = set(_cjk_pairs(_compact(normalize(kb.policy.title.zh))))
        title_words = set(english_words(normalize(kb.policy.title.en)))
        self._pairs = {k: (math.log(n / len(v)), tuple(sorted(v))) for k, v in pair_docs.items()
                       if len(v) <= limit and k not in title_pairs}
        self._words = {k: (math.log(n / len(v)), tuple(sorted(v))) for k, v in word_docs.items()
                       if len(v) <= limit and not k.isdigit() and k not in title_words}

    def _backoff(self, text: str, zh_hits: list[Hit], en_hits: list[Hit]) -> dict[str, float]:
        """Own-text score per benefit from the parts of the question no term explained."""
        covered = {i for h in zh_hits for i in range(h.start, h.end)}
        free = "".join(c if i not in covered else " " for i, c in enumerate(text))
        out: dict[str, float] = {}
        # dict.fromkeys, not set: the same order every run, so float sums and ties never flip
        for pair in dict.fromkeys(_cjk_pairs(free)):
            found = self._pairs.get(pair)
            if found:
                for bid in found[1]:
                    out[bid] = out.get(bid, 0.0) + found[0]
        words = english_words(text)
        en_covered = {i for h in en_hits for i in range(h.start, h.end)}
        for w in dict.fromkeys(w for i, w in enumerate(words) if i not in en_covered):
            found = self._words.get(w)
            if found:
                for bid in found[1]:
                    out[bid] = out.get(bid, 0.0) + found[0]
        return {k: v * self.params.backoff_weight for k, v in out.items()}

    # -- weights ---------------------------------------------------------------------------------
    def _zh_weight(self, text: str) -> float:
        return float(len(text))

    def _en_weight(self, words: tuple[str, ...]) -> float:
        p = self.params
        return sum(p.generic_word_weight if w in _GENERIC_WORDS else p.english_word_weight for w in words)

    # -- matching --------------------------------------------------------------------------------
    def _zh_hits(self, text: str) -> list[Hit]:
        hits: list[Hit] = []
        seen: set[tuple[int, int, str]] = set()

        spans = [(m, m + len(w)) for w in self._protected for m in _find_all(text, w)]

        def add(entry: _Entry, start: int, kind: MatchKind) -> None:
            key = (start, start + len(entry.text), entry.text)
            if key in seen:
                return
            end = start + len(entry.text)
            if kind != "exact" and any(s < end and start < e and not (start <= s and e <= end) for s, e in spans):
                return  # "专利代理机构" is not a typo of 专利贷: the reading would cut a known word
            seen.add(key)
            hits.append(Hit(entry.text, start, start + len(entry.text), kind,
                            self._zh_weight(entry.text) * _QUALITY[kind],
                            tuple(entry.benefits), tuple(entry.subjects)))

        n = len(text)
        for term, entry in self._zh.items():
            pos = text.find(term)
            while pos >= 0:
                add(entry, pos, "exact")
                pos = text.find(term, pos + 1)
        if not _CJK.search(text):
            return hits
        syl = _syllables(text)
        for length in self._zh_lengths:
            for start in range(0, n - length + 1):
                window = syl[start:start + length]
                entries = self._by_pinyin.get(window)
                if not entries:
                    continue
                chunk = text[start:start + length]
                for entry in entries:
                    if entry.text == chunk:
                        continue
                    same = sum(1 for a, b in zip(chunk, entry.text, strict=True) if a == b)
                    if length <= 3 and same * 2 < length:
                        continue
                    if length <= 2 and _raw_syllables(chunk) != _raw_syllables(entry.text):
                        continue  # a two-character term by sound only when it sounds the same: 已经奖 holds no 金奖
                    if length <= 2 and not entry.benefits:
                        continue  # nor a subject's two characters: 找人 (代办) is not 招人, a word of its own
                    add(entry, start, "pinyin")
        fuzzy: list[tuple[_Entry, int, int]] = []
        for length in self._mask_lengths:
            for start in range(0, n - length + 1):
                chunk = text[start:start + length]
                if not all(_CJK.match(c) for c in chunk):
                    continue
                window = syl[start:start + length]
                for i in range(length):
                    for entry in self._by_mask.get((i, (*window[:i], "?", *window[i + 1:])), ()):
                        fuzzy.append((entry, start, i))
        # a fuzzy match must add at least two sure characters to what exact matches explain,
        # or "地理标志做品牌" would become 地理标志产品 and outweigh the exact 地理标志
        # and the character read as a typo must not be part of a term found exactly ("马德里的奖励" is
        # not 省里的奖励: 德 belongs to 马德里)
        covered = {i for h in hits for i in range(h.start, h.end)}
        exact = {i for h in hits if h.kind == "exact" for i in range(h.start, h.end)}
        for entry, start, wrong in fuzzy:
            sure = [start + k for k in range(len(entry.text)) if k != wrong]
            if start + wrong in exact or wrong == 0:
                continue  # a term's head is read as written: 市里的奖励 is not a typo of 省里的奖励
            if sum(1 for i in sure if i not in covered) >= 2:
                add(entry, start, "fuzzy")
        return hits

    def _en_hits(self, text: str) -> list[Hit]:
        words = english_words(text)
        if not words:
            return []
        fuzzy_at: set[int] = set()
        for i, w in enumerate(words):
            if w in self._en_vocab_set or len(w) < 5 or w.isdigit():
                continue
            best = process.extractOne(w, self._en_vocab, scorer=fuzz.ratio, score_cutoff=85)
            swapped = [v for v in self._en_swaps.get("".join(sorted(w)), ()) if _one_swap(w, v)]
            if best is not None:
                words[i] = best[0]
                fuzzy_at.add(i)
            elif len(swapped) == 1:
                words[i] = swapped[0]
                fuzzy_at.add(i)
        hits: list[Hit] = []
        for length in self._en_lengths:
            for start in range(0, len(words) - length + 1):
                key = tuple(words[start:start + length])
                entry = self._en.get(key)
                if entry is None:
                    continue
                kind: MatchKind = "fuzzy" if fuzzy_at & set(range(start, start + length)) else "exact"
                hits.append(Hit(entry.text, start, start + length, kind, self._en_weight(key) * _QUALITY[kind],
                                tuple(entry.benefits), tuple(entry.subjects), english=True))
        return hits

    @staticmethod
    def _resolve(hits: list[Hit]) -> list[Hit]:
        """Keep non-overlapping hits, longest first; on a tie the better match, then the policy's term.

        A subject the policy does not cover, found verbatim, is kept before any typo reading: a guessed
        term must not swallow the words that say what is asked ("知识产权评估费" is not 知识产权平台)."""
        sure = [(h.start, h.end) for h in hits if h.kind == "exact" and h.subjects and not h.benefits]
        hits = [h for h in hits if h.kind == "exact" or not any(h.start < e and s < h.end for s, e in sure)]
        chosen: list[Hit] = []
        taken: list[tuple[int, int]] = []
        for h in sorted(hits, key=lambda h: (-(h.end - h.start), -h.weight, not h.benefits, h.start)):
            if any(h.start < e and s < h.end for s, e in taken):
                continue
            chosen.append(h)
            taken.append((h.start, h.end))
        return sorted(chosen, key=lambda h: h.start)

    def match(self, question: str) -> MatchResult:
        """Rank the benefits for one question and decide whether it is in scope."""
        p = self.params
        norm = normalize(question)
        lang = detect_lang(norm)
        # spaces stay: a term never spans them ("产业化 专利 奖补" holds no 专利奖)
        zh_hits = self._resolve(self._zh_hits(norm) + self._zh_elided(norm))
        en_hits = self._resolve(self._en_hits(norm) + self._en_elided(norm))
        hits = zh_hits + en_hits + self._clause_hits(norm, zh_hits)
        backoff = self._backoff(norm, zh_hits, en_hits) if p.backoff_weight else {}

        scores: dict[str, float] = {}
        subject_weight: dict[str, float] = {}
        for h in hits:
            if h.benefits:
                share = h.weight / len(h.benefits) ** p.share_power
                for bid in h.benefits:
                    scores[bid] = scores.get(bid, 0.0) + share
            for sid in h.subjects:
                subject_weight[sid] = subject_weight.get(sid, 0.0) + h.weight
        # the benefit's own text re-ranks the candidates the terms found; alone, it proposes its own
        for bid, extra in backoff.items():
            if bid in scores or not scores:
                scores[bid] = scores.get(bid, 0.0) + extra
        ranked = tuple(Scored(self.kb.benefit(bid), s)
                       for bid, s in sorted(scores.items(), key=lambda kv: (-round(kv[1], 9), self._order[kv[0]])))
        # evidence for the best benefit: its terms at full weight, even those it shares with siblings
        support = sum(h.weight for h in hits if ranked and ranked[0].benefit.id in h.benefits)
        if ranked and ranked[0].benefit.id in backoff:
            support += backoff[ranked[0].benefit.id]

        termless = not any(h.benefits for h in hits)  # only the benefit's own text matched
        subject = self._refusing_subject(hits, ranked, subject_weight, support, termless) \
            or self._head_subject(norm, hits)
        refused = subject is not None or support < (p.min_score_text_only if termless else p.min_score) \
            or self._loose_english(norm, hits)
        if refused and subject is None and subject_weight:
            subject = self._subjects[max(subject_weight, key=lambda s: subject_weight[s])]
        return MatchResult(lang, ranked, refused, subject, self._confidence(ranked, support, refused, subject),
                           tuple(hits))

    def _zh_elided(self, text: str) -> list[Hit]:
        """"示范和优势企业各奖多少": the head of the second term said once for both ("示范" + "企业" = 示范企业),
        when the first word and the head make a term of another entry."""
        out: list[Hit] = []
        for m in _JOINED_ZH.finditer(text):
            first, second = m.group(1), text[m.end():]
            for term, entry in self._zh.items():
                if not entry.benefits or not second.startswith(term):
                    continue
                for cut in range(1, len(term)):
                    head = term[cut:]
                    for k in range(len(first), 0, -1):
                        candidate = self._zh.get(first[-k:] + head)
                        if candidate is not None and candidate.benefits and candidate.benefits != entry.benefits:
                            start = m.start(1) + len(first) - k
                            out.append(Hit(candidate.text, start, m.start(1) + len(first), "exact",
                                           self._zh_weight(candidate.text), tuple(candidate.benefits)))
                            break
        return out

    def _en_elided(self, text: str) -> list[Hit]:
        """"demonstration and advantage enterprise rewards": the head noun said once for both terms."""
        out: list[Hit] = []
        for m in _JOINED_EN.finditer(text):
            first, second, head = stem(m.group(1)), stem(m.group(2)), stem(m.group(3))
            if (second, head) not in self._en:
                continue
            entry = self._en.get((first, head))
            if entry is not None and entry.benefits:
                start = len(english_words(text[:m.start(1)]))
                out.append(Hit(entry.text, start, start + 1, "exact", self._en_weight((first, head)),
                               tuple(entry.benefits), english=True))
        return out

    def _clause_hits(self, text: str, zh_hits: list[Hit]) -> list[Hit]:
        """"第（十三）条是什么内容", "（五）4是什么", "What does clause 11 say?": the clause a number names, with its
        sub-clauses when it has them ("（四）" is 4.1–4.3), as strong as a term of its own."""
        refs = {b.ref for b in self.kb.benefits}
        out: list[Hit] = []
        taken = [(h.start, h.end) for h in zh_hits]
        for m in _CLAUSE_ZH.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            item, sub = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
            ids = self._clause_entries(refs, _number(item), _number(sub) if sub else None)
            if ids:
                out.append(Hit(m.group(0), m.start(), m.end(), "exact", self.params.clause_weight, ids))
        for m in _CLAUSE_EN.finditer(text):
            ids = self._clause_entries(refs, int(m.group(1)), int(m.group(2)) if m.group(2) else None)
            if ids:
                start = len(english_words(text[:m.start()]))
                out.append(Hit(m.group(0), start, start + len(english_words(m.group(0))), "exact",
                               self.params.clause_weight, ids, english=True))
        return out

    def _clause_entries(self, refs: set[str], item: int | None, sub: int | None) -> tuple[str, ...]:
        if item is None:
            return ()
        wanted = f"{item}.{sub}" if sub is not None else str(item)
        if wanted not in refs and sub is None:  # an item with sub-clauses: all of them
            wanted_refs = {r for r in refs if r.startswith(f"{item}.")}
        else:
            wanted_refs = {wanted} & refs
        return tuple(b.id for b in self.kb.benefits if b.ref in wanted_refs)

    def _loose_english(self, text: str, hits: list[Hit]) -> bool:
        """"What's the gold price today?", "Who is responsible for garbage collection?": an English question whose
        only evidence is one-word terms (gold, responsible, national, interest) and which holds words the knowledge
        base never uses (price, garbage) is about something else, unless it speaks of money or support ("subsidy",
        "paid") or gives a figure."""
        found = [h for h in hits if h.benefits]
        if not found or any(not h.english or " " in h.term for h in found) or _CJK.search(text):
            return False
        raw = _LATIN_WORD.findall(text)
        if any(c.isdigit() for c in text) or any(_is_support(w, self._support) for w in raw):
            return False
        covered = {i for h in hits for i in range(h.start, h.end)}
        unknown = [w for i, w in enumerate(english_words(text)) if i not in covered and w not in self._known_en]
        return len(unknown) >= self.params.loose_words

    def near_misses_in(self, question: str) -> list[OutOfScope]:
        """Near-miss subjects whose Chinese terms occur in the question verbatim, even where a longer
        term of the policy overlaps them (the ask layer uses this to keep procedure words from hiding one)."""
        text = _compact(normalize(question))
        out: list[OutOfScope] = []
        for term, entry in self._zh.items():
            for sid in entry.subjects:
                s = self._subjects[sid]
                if s.near_miss and s not in out and term in text:
                    out.append(s)
        return out

    def _refusing_subject(self, hits: list[Hit], ranked: tuple[Scored, ...], subject_weight: dict[str, float],
                          support: float, termless: bool = False) -> OutOfScope | None:
        if not subject_weight:
            return None
        top = ranked[0].benefit.id if ranked else None
        for h in hits:
            for sid in h.subjects:
                s = self._subjects[sid]
                if s.near_miss and not self._explained(h, top):
                    return s
        non_ip = {sid: w for sid, w in subject_weight.items() if not self._subjects[sid].near_miss}
        if non_ip:
            sid = max(non_ip, key=lambda k: non_ip[k])
            # no term of the policy matched, only its own text: a named subject outside IP wins
            if termless or support <= self.params.non_ip_ratio * non_ip[sid]:
                return self._subjects[sid]
        return None

    def _head_subject(self, text: str, hits: list[Hit]) -> OutOfScope | None:
        """"专利转让的印花税能免吗", "马德里奖励的个税怎么交": a subject outside IP owned by a term of the policy
        ("X的<subject>") and followed by no term of the policy is what is asked; the clause only qualifies it."""
        zh = [h for h in hits if not h.english]
        for h in zh:
            if not h.subjects or h.benefits:
                continue
            owner = any(b.benefits and b.end + 1 == h.start and text[b.end] == "的" for b in zh)
            if owner and not any(b.benefits and b.start >= h.end for b in zh):
                return self._subjects[h.subjects[0]]
        return None

    def _explained(self, hit: Hit, top: str | None) -> bool:
        """A near miss is explained when the best benefit's own text uses all its words (马德里…注册商标)."""
        if top is None:
            return False
        if hit.english:
            return all(w in self._own_words[top] for w in hit.term.split())
        return all(c in self._own_chars[top] for c in hit.term if _CJK.match(c))

    def _confidence(self, ranked: tuple[Scored, ...], support: float, refused: bool,
                    subject: OutOfScope | None) -> float:
        """How sure the verdict is: strong, unshared evidence for an answer; a named subject for a refusal."""
        if refused:
            if subject is not None:
                return 0.9
            return round(max(0.5, 1.0 - support / (2 * self.params.min_score)), 3)
        best = ranked[0].score
        second = ranked[1].score if len(ranked) > 1 else 0.0
        strength = 1.0 - math.exp(-support / self.params.confidence_scale)
        margin = (best - second) / best if best else 0.0
        return round(strength * (0.6 + 0.4 * margin), 3)


def _number(word: str | None) -> int | None:
    """一 … 十三 or digits as an int (None when it is neither)."""
    if not word:
        return None
    if word.isdigit():
        return int(word)
    if word == "十":
        return 10
    if word.startswith("十"):
        return 10 + _DIGITS.get(word[1:], 0) if len(word) == 2 else None
    if len(word) == 1:
        return _DIGITS.get(word)
    if len(word) == 2 and word.endswith("十"):
        return _DIGITS.get(word[0], 0) * 10 or None
    if len(word) == 3 and word[1] == "十":
        tens, ones = _DIGITS.get(word[0]), _DIGITS.get(word[2])
        return tens * 10 + ones if tens and ones else None
    return None


def _english_texts(kb: KnowledgeBase) -> Iterable[str]:
    """Every English text of the knowledge base: titles, summaries, aliases, clause renderings, the vocabulary."""
    for b in kb.benefits:
        yield from (b.title.en, b.summary.en, *b.aliases)
        rendering = kb.translation(b.id, "en")
        if rendering:
            yield rendering
    yield from _strings(kb.vocabulary.model_dump())
    for f in kb.facts.values():
        yield from _strings(f.model_dump())


def _strings(node: object) -> Iterable[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for v in node.values():
            yield from _strings(v)
    elif isinstance(node, (list, tuple)):
        for v in node:
            yield from _strings(v)


def _is_support(word: str, support: tuple[str, ...]) -> bool:
    """Whether an English word is one of the support words (``subsid*`` covers "subsidies")."""
    return any(word.startswith(w[:-1]) if w.endswith("*") else word == w for w in support)


def _one_swap(a: str, b: str) -> bool:
    """Whether ``b`` is ``a`` with two neighbouring letters swapped ("knwon" / "known")."""
    if len(a) != len(b) or a == b:
        return False
    diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
