"""Where the applicant is registered, which decides ``in_city``.

The registration place decides wherever it stands ("注册在衡水，石家庄这边只有个分公司", "在北京注册、石家庄有
分公司" -> not in the city, with a note saying why): a registration word belongs to the place next to it; a
branch or office somewhere says nothing; a district or county of Shijiazhuang is in the city, another city or
province is not; a place the knowledge base does not know -> ask.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from eligibility.language.applicants import dealt_with
from eligibility.language.clauses import Clause
from eligibility.language.lexicon import Lexicon
from eligibility.language.model import Clarify, Note
from eligibility.language.terms import Hit


@dataclass
class PlaceReading:
    value: bool | None = None
    notes: list[Note] = field(default_factory=list)
    clarify: list[Clarify] = field(default_factory=list)
    named: bool = False  # some place was named at all


def _placed(c: Clause) -> bool:
    return any(h.has("city") or h.has("inside") or h.has("outside") for h in c.hits)


def _after_correction(lex: Lexicon, clauses: list[Clause]) -> list[Clause]:
    """The clauses from the last correction on, when a place is named both before and after it ("Luquan... no wait,
    we moved our registration to Xingtai", "鹿泉，不对，现在注册在邢台"): the place said last replaces the first."""
    for i in range(len(clauses) - 1, 0, -1):
        if clauses[i].s.startswith(lex.correction_words) and any(_placed(c) for c in clauses[i:]) \
                and any(_placed(c) for c in clauses[:i]):
            return clauses[i:]
    return clauses


def read_place(lex: Lexicon, clauses: list[Clause], *, asked: bool) -> PlaceReading:
    out = PlaceReading()
    clauses = _after_correction(lex, clauses)
    strong: list[tuple[bool, str]] = []
    weak: list[tuple[bool, str]] = []
    branches: list[str] = []
    registered = False
    inside_names: set[str] = set()  # "我们不在石家庄": not in the city, but not registered "in 石家庄" either
    near: list[str] = []
    related: list[tuple[bool, str]] = []  # places of units of the applicant's group ("子公司在邢台")
    for c in clauses:
        branch = bool(c.kinds("branch"))
        registered = registered or bool(c.kinds("reg"))
        regs = _registrations(c)
        for h in c.hits:
            inside = h.has("city") or h.has("inside")
            if not inside and not h.has("outside"):
                continue
            # "在北京注册、石家庄有分公司": the registration word is 北京's; the clause's other place is not registered
            reg = any(p is h for p in regs.values()) or (bool(regs) and all(p is None for p in regs.values()))
            out.named = True
            tags = h.of("inside") or h.of("city")
            name = (tags[0].value if tags else "") or h.term  # elsewhere: the place as written ("衡水")
            if c.s[h.end :].lstrip().startswith(lex.street_after):
                continue  # "中山东路100号", "裕华路": a street's name, not a city or province
            if lex.subsidiary_before.search(c.s[: h.start]) is not None and not c.negated(h):
                related.append((inside, name))  # "子公司在邢台": the subsidiary's place, a legal person of its own
                continue
            if branch and not any(p is h for p in regs.values()):
                # "外地企业（天津的）在石家庄设了个办事处": the branch is here, the applicant is from elsewhere;
                # "registered in Shijiazhuang with an office in Beijing": the registration is said outright.
                branches.append(name)
                if not inside:
                    weak.append((False, name))
                continue
            if (c.topic(h) and not (c.asked_about(h) is False and any(b.has("reg") for b in c.before(h, 2))
                                    and any(b.has("self") for b in c.hits if b.end <= h.start))) \
                    or c.about_clients(h) or _names_a_thing(lex, c, h):
                continue  # asked about, not stated ("石家庄以外的企业能申请吗"); "他们注册在保定…能报吗" is stated
            if any(t.value in lex.registered_only for t in h.of("outside")) and not asked and not any(
                    b.has("reg") and not b.has("mention") and b.term not in ("注册", "注册了")
                    for b in c.before(h, 4)):
                continue  # "马德里注册了美国和日本": a country named for something else
            if any(x.has("pending") and x.end <= h.start for x in c.hits) or c.supposed(h.start):
                continue  # "我们打算搬到石家庄", "如果搬到高新区": where it may be, not where it is registered
            if _of_another(lex, c.s, h.start, h.end) or _in_a_partners_name(lex, c, h):
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
    if related and (not values or {v for v, _ in related} != values):
        # "总部在石家庄，子公司在邢台，子公司能申请吗": which unit applies decides, so it is asked, never guessed
        out.named = True
        out.clarify.append(Clarify("in_city", "lang.ask.place", {"places": [n for _, n in (*deciding, *related)]}))
        return out
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


_REG_REACH = 2  # "注册在石家庄", "石家庄注册的": a registration word this near a place is that place's


def _registrations(c: Clause) -> dict[int, Hit | None]:
    """Each registration word of the clause (by position) and the place it belongs to: the place right before
    it ("北京注册", "保定注册的公司"), else the place right after it ("注册在石家庄", "registered in Beijing"),
    else None."""
    places = [h for h in c.hits if h.has("city") or h.has("inside") or h.has("outside")]
    out: dict[int, Hit | None] = {}
    for b in c.hits:
        if not b.has("reg") or b.has("branch"):
            continue
        before = next((p for p in reversed(places) if p.end <= b.start and b.start - p.end <= 1
                       and not c.s[p.end : b.start].strip()), None)
        after = next((p for p in places if p.start >= b.end and p.start - b.end <= _REG_REACH), None)
        out[b.start] = before or after
    return out


_THING_REACH = 8


def _names_a_thing(lex: Lexicon, c: Clause, h: Hit) -> bool:
    """The place is a thing's ("给赵县那个专利纠纷调解中心做托管", "the mediation centre for Zhengding county"): a
    fact's mention right after it (through 的/那个: "元氏县的专利纠纷调解中心"), unless the applicant puts itself
    there first ("我们在高新区的创客空间"), or a mention right before it with "for"/"of"."""
    after = c.s[h.end : h.end + _THING_REACH]
    if any(m.has("mention") and m.start - h.end <= _THING_REACH and not c.s[h.end : m.start].strip().startswith(
            ("是", "有", "的企业", "的公司")) and any(x in after for x in ("的", "那个", "这个", "那家"))
           and not any((b.has("self") or b.has("reg")) and c.s[b.end : h.start].strip() in lex.sits
                       for b in c.before(h, 3))
           for m in c.after(h, _THING_REACH)):
        return True
    return any(m.has("mention") and c.s[m.end : h.start].strip() in ("for", "of", "for the", "of the")
               for m in c.before(h, 10))




def _in_a_partners_name(lex: Lexicon, c: Clause, h: Hit) -> bool:
    """"从石家庄铁道大学受让了专利", "跟河北大学合作", "和北京一家单位联合获得的": the place is the other side's."""
    head = c.s[: h.start].rstrip()
    listed = any(x.end == len(head) - 1 and (x.has("city") or x.has("inside") or x.has("outside")) for x in c.hits)
    if head.endswith(lex.partner_links) and not listed:
        return True  # (not "在石家庄和保定都有公司": two places of a list)
    nxt = next((x for x in c.hits if x.start >= h.end), None)
    return nxt is not None and nxt.has("applicant") \
        and all("\u4e00" <= ch <= "\u9fff" for ch in c.s[h.end : nxt.start]) and dealt_with(lex, c, nxt)


def _of_another(lex: Lexicon, s: str, start: int, end: int) -> bool:
    """The place at ``s[start:end]`` is another party's: right before it ("北京的银行") or right after it
    ("客户在北京", "供应商在北京")."""
    return lex.party_after.match(s, end) is not None or lex.party_before.search(s[:start]) is not None
