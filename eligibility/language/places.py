"""Where the applicant is registered, which decides ``in_city``.

The registration place decides ("注册在衡水，石家庄这边只有个分公司" -> not in the city, with a note
saying why); a branch or office somewhere says nothing; a district or county of Shijiazhuang is in the
city, another city or province is not; a place the knowledge base does not know -> ask.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from eligibility.language.clauses import Clause
from eligibility.language.lexicon import Lexicon
from eligibility.language.model import Clarify, Note


@dataclass
class PlaceReading:
    value: bool | None = None
    notes: list[Note] = field(default_factory=list)
    clarify: list[Clarify] = field(default_factory=list)
    named: bool = False  # some place was named at all


def read_place(lex: Lexicon, clauses: list[Clause], *, asked: bool) -> PlaceReading:
    out = PlaceReading()
    strong: list[tuple[bool, str]] = []
    weak: list[tuple[bool, str]] = []
    branches: list[str] = []
    registered = False
    inside_names: set[str] = set()  # "我们不在石家庄": not in the city, but not registered "in 石家庄" either
    near: list[str] = []
    for c in clauses:
        reg, branch = bool(c.kinds("reg")), bool(c.kinds("branch"))
        registered = registered or reg
        for h in c.hits:
            inside = h.has("city") or h.has("inside")
            if not inside and not h.has("outside"):
                continue
            out.named = True
            tags = h.of("inside") or h.of("city")
            name = (tags[0].value if tags else "") or h.term  # elsewhere: the place as written ("衡水")
            if branch:
                # "外地企业（天津的）在石家庄设了个办事处": the branch is here, the applicant is from elsewhere.
                branches.append(name)
                if not inside:
                    weak.append((False, name))
                continue
            if c.topic(h):
                continue
            if any(t.value in lex.registered_only for t in h.of("outside")) and not asked and not any(
                    b.has("reg") and not b.has("mention") and b.term not in ("注册", "注册了")
                    for b in c.before(h, 4)):
                continue  # "马德里注册了美国和日本": a country named for something else
            if _of_another(lex, c.s, h.start, h.end):
                continue  # "在北京的银行贷的", "客户在北京": another party's place, not the applicant's
            if not reg and lex.place_topic.match(c.s, h.end) is not None:
                continue  # "河北省的X政策", "北京的规定": the place's policy or body, not where the applicant is
            rest = c.s[h.end :].lstrip()
            if rest.startswith(lex.beyond) and not rest.startswith(lex.beyond_not):
                # "在石家庄以外", "在正定县外": everywhere but a place of the city -> not in the city; everywhere
                # but another place says nothing; "不在石家庄以外" is not read.
                if inside and not c.negated(h):
                    inside_names.add(name)
                    (strong if reg else weak).append((False, name))
                continue
            if inside and c.s[h.end :].lstrip().startswith(lex.near):
                near.append(h.term)  # "石家庄周边": near the city, maybe outside it; asked
                continue
            if inside:
                inside_names.add(name)
            if c.negated(h):
                if inside:
                    (strong if reg else weak).append((False, name))
                continue
            (strong if reg else weak).append((inside, name))
    deciding = strong or weak
    vague = [h.term for c in clauses for h in c.kinds("somewhere") if not c.kinds("branch")
             and lex.place_topic.match(c.s, h.end) is None] + near
    if vague and not deciding:
        out.named = True
        out.clarify.append(Clarify("in_city", "lang.ask.place", {"place": vague[0]}))
        return out
    values = {v for v, _ in deciding}
    if len(values) == 1:
        out.value = values.pop()
        elsewhere = [name for v, name in deciding if not v and name not in inside_names]
        if out.value is False and elsewhere:
            out.notes.append(Note("lang.note.elsewhere", {"place": elsewhere[0], "branch": ", ".join(branches)},
                                  "in_city"))
    elif len(values) > 1:
        out.clarify.append(Clarify("in_city", "lang.ask.place", {"places": [n for _, n in deciding]}))
    elif (asked or registered) and not out.named:
        for c in clauses:
            m = lex.place_like.search(c.s)
            if m is not None and not m.group(1).endswith(lex.not_places):
                out.clarify.append(Clarify("in_city", "lang.ask.place", {"place": m.group(1)}))
                break
            # "我们在城南那边": somewhere, but where?
            if asked and len(c.s) > 3 and any(w in c.s for w in lex.somewhere):
                out.clarify.append(Clarify("in_city", "lang.ask.place", {"place": c.s}))
                break
    return out


def _of_another(lex: Lexicon, s: str, start: int, end: int) -> bool:
    """The place at ``s[start:end]`` is another party's: right before it ("北京的银行") or right after it
    ("客户在北京", "供应商在北京")."""
    return lex.party_after.match(s, end) is not None or lex.party_before.search(s[:start]) is not None
