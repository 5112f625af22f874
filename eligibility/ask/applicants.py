"""Who asks and who applies: the applicant a question names, the asker's own role, where the asker is."""

from __future__ import annotations

import re

from eligibility.ask.cues import Cues, cues_of
from eligibility.ask.model import PlaceReading, QuestionReading
from eligibility.matcher import MatchResult
from eligibility.parsing import normalize
from knowledge.models import KnowledgeBase

# The facts that say who the asker is; asking for someone else, they are not the applicant's.
ASKER_FACTS = ("entity_type", "in_city")


def asker_is(cues: Cues, result: MatchResult, benefit_id: str, text: str) -> bool:
    """Whether the question names the asker as ``benefit_id``'s applicant ("发起单位是我们")."""
    for h in result.hits:
        if h.english or benefit_id not in h.benefits or len(h.benefits) != 1:
            continue
        if cues.role_before.search(text[:h.start]) or cues.role_after.search(text[h.end:]):
            return True
    return False


def support(result: MatchResult) -> float:
    """The evidence for the best benefit: its terms at full weight."""
    return sum(h.weight for h in result.hits if result.ranked and result.ranked[0].benefit.id in h.benefits)


def place(result: MatchResult, reading: QuestionReading) -> PlaceReading | None:
    """Where the asker is, when the question says it (or is refused for naming another place)."""
    if any(c.fact == "in_city" for c in reading.clarify):
        return "unclear"
    in_city = reading.facts.get("in_city")
    if in_city is True:
        return "in_city"
    if in_city is False:
        branch = any(n.fact == "in_city" and n.params.get("branch") for n in reading.notes)
        return "elsewhere_branch" if branch else None  # another place alone: the near miss's own reply
    return None


def city_place_named(kb: KnowledgeBase, text: str) -> bool:
    """"正定县的公司能申请吗", "高新区的企业算石家庄的吗": a place of the city (the city, a district, a county, a
    park of places.yaml) named in the (normalised) question, and no place outside it nor one too wide to say.
    The language layer reads a place asked about as no fact of the asker; the question is then about that place."""
    places = kb.places

    def named(p: object) -> bool:
        for alias in getattr(p, "aliases", ()):
            word = normalize(alias)
            if len(word) < 2:
                continue
            if word.isascii() and re.search(rf"\b{re.escape(word)}\b", text):
                return True
            if not word.isascii() and word in text:
                return True
        return False

    inside = ([places.city] if places.city is not None else []) + list(places.inside)
    if any(named(p) for p in (*places.outside, *places.ambiguous)):
        return False
    return any(named(p) for p in inside)


def belongs_asked(kb: KnowledgeBase, cues: Cues, text: str) -> bool:
    """"辛集市算石家庄吗", "Is Xinji part of Shijiazhuang?": whether a place of the city belongs to it, asked with
    the city named and an inclusion word ("算…吗", "属于", "part of") once the city's name is taken out."""
    city = kb.places.city
    if city is None:
        return False
    rest, named = text, False
    for alias in sorted((normalize(a) for a in city.aliases), key=len, reverse=True):
        if len(alias) < 2:
            continue
        pattern = rf"\b{re.escape(alias)}\b" if alias.isascii() else re.escape(alias)
        rest, n = re.subn(pattern, "", rest)
        named = named or n > 0
    return named and bool(cues.included.search(rest)) and city_place_named(kb, text)


def registered_elsewhere(kb: KnowledgeBase, text: str) -> bool:
    """"a company registered in Beijing", "注册在衡水的企业": the question names where an applicant is registered
    (a registration cue of places.yaml), not another place's own policy ("does Tianjin pay …")."""
    for cue in kb.places.registration_cues:
        word = normalize(cue)
        if word and (re.search(rf"\b{re.escape(word)}\b", text) if word.isascii() else word in text):
            return True
    return False


def only_describes(kb: KnowledgeBase, cues: Cues, text: str) -> bool:
    """"开发区管委会", "我们是律所": a message that only says what the asker is (asks what is open to it)."""
    rest = text
    for t in kb.vocabulary.applicants.types:
        for w in sorted((normalize(x) for x in t.words), key=len, reverse=True):
            if not w.isascii():
                rest = rest.replace(w, "")
    left = [c for c in rest if re.match(r"[\u4e00-\u9fff]", c) and c not in cues.words.self_filler_chars]
    return len(left) <= 2 and len(rest) < len(text)


def asked_applicant(kb: KnowledgeBase, text: str, cue: re.Pattern[str], *, served: bool = False) -> str | None:
    """The applicant a yes/no question asks about ("律所能申请吗", "can a university …"), from the
    applicant vocabulary; unlike a statement about the asker it needs no "我们是". With ``served``, a type the
    asker serves ("帮小微企业打官司") is not the applicant ("给高校的政策有哪些" asks what is open to 高校)."""
    if not cue.search(text):
        return None
    serving = cues_of(kb).beneficiary_before if served else None
    found: list[str] = []
    for t in kb.vocabulary.applicants.types:
        for w in t.words:
            word = normalize(w)
            hit = re.search(_plural(word), text) if word.isascii() else any(
                serving is None or not serving.search(text[:m.start()])
                for m in re.finditer(re.escape(word), text)) if word else False
            if hit:
                found.append(t.entity_type)
                break
    distinct = list(dict.fromkeys(found))
    if len(distinct) > 1 and "enterprise" in distinct:
        distinct.remove("enterprise")
    return distinct[0] if len(distinct) == 1 else None


def unnamed_applicant(kb: KnowledgeBase, text: str) -> str | None:
    """An applicant the policy never names (合作社, 个体工商户), by its option's own label when the applicant
    vocabulary has no word for it: the engine's reading of it is then said, never a default yes."""
    options = {o.id: o.label for o in kb.facts["entity_type"].options} if "entity_type" in kb.facts else {}
    found: list[str] = []
    for kind in kb.policy.unnamed_applicants:
        label = options.get(kind)
        if label is None:
            continue
        zh = re.split(r"[（(]", label.zh)[0].strip()
        en = re.split(r"\s*\(", label.en)[0].strip().lower()
        if (len(zh) >= 3 and normalize(zh) in text) or (en and re.search(_plural(normalize(en)), text)):
            found.append(kind)
    return found[0] if len(found) == 1 else None


def type_only_in_terms(kb: KnowledgeBase, result: MatchResult, text: str, entity_type: str) -> bool:
    """Whether every word naming ``entity_type`` in the question lies inside a term of an entry (the 联盟 of
    "联盟需要备案吗" names the alliance entry; it does not say who asks)."""
    covered = {i for h in result.hits if h.benefits and not h.english for i in range(h.start, h.end)}
    found = False
    for t in kb.vocabulary.applicants.types:
        if t.entity_type != entity_type:
            continue
        for w in t.words:
            word = normalize(w)
            if word.isascii() or not word:
                continue
            for m in re.finditer(re.escape(word), text):
                found = True
                if not all(i in covered for i in range(m.start(), m.end())):
                    return False
    return found


def without_terms(result: MatchResult, text: str) -> str:
    """The question with the benefits' own terms blanked: 企业 of 示范企业, "enterprise" of "advantage
    enterprise" name an entry, not the asker."""
    chars = list(text)
    for h in result.hits:
        if h.benefits and not h.english:
            chars[h.start:h.end] = " " * (h.end - h.start)
    out = "".join(chars)
    for h in result.hits:
        if h.benefits and h.english:
            pattern = r"\W+".join(rf"\b{re.escape(w)}\w*" for w in h.term.split())
            out = re.sub(pattern, lambda m: " " * len(m.group(0)), out)
    return out


def _plural(word: str) -> str:
    """A pattern for an English word and its plural ("service agency" / "service agencies")."""
    if word.endswith("y") and len(word) > 2 and word[-2] not in "aeiou":
        return rf"\b{re.escape(word[:-1])}(y|ies)\b"
    return rf"\b{re.escape(word)}(s|es)?\b"
