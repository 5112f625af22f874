"""How a question is asked, compiled once per knowledge base from vocabulary/questions.yaml.

The words are data (a new word people use is a YAML edit); what stays here is the grammar that strings
them together: which slot comes before which, how many characters may stand between, what ends a
question. ``@name`` in a template is the alternation of the list ``name`` of questions.yaml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.models import KnowledgeBase, QuestionCues

_SLOT = re.compile(r"@([a-z_]+)")
_NEVER = "(?!)"  # an empty list matches nothing (never the empty string)
_FIGURE_START = r"[\d一二两三四五六七八九十百千]"  # where a figure begins ("200万", "两百万")


def word_pattern(word: str) -> str:
    """One cue word as a pattern: Chinese anywhere; an English word whole, ``*`` at an end for any ending."""
    core = word.strip("*")
    out = re.escape(core)
    if word.startswith("*"):
        out = r"\w*" + out
    elif core[0].isascii() and core[0].isalnum():
        out = r"\b" + out
    if word.endswith("*") and len(word) > 1:
        out += r"\w*"
    elif core[-1].isascii() and core[-1].isalnum():
        out += r"\b"
    return out


def alternation(words: list[str]) -> str:
    """The words as one group, in the file's order (the first that fits at a place wins)."""
    return "(?:" + "|".join(word_pattern(w) for w in words) + ")" if words else _NEVER


@dataclass(frozen=True)
class Cues:
    """The compiled question forms; attribute names say what each finds."""

    words: QuestionCues
    ceiling_cue: re.Pattern[str]       # right before a figure: the ceiling guessed ("最高补100万吗")
    ceiling_any: re.Pattern[str]
    no_ceiling: re.Pattern[str]
    cap_figure: re.Pattern[str]
    scopes: dict[str, re.Pattern[str]]  # by the knowledge base's cap_scope values
    exceed: re.Pattern[str]
    several: re.Pattern[str]
    several_parts: re.Pattern[str]
    total: re.Pattern[str]
    joined: re.Pattern[str]
    yes_no_zh: re.Pattern[str]
    yes_no_en: re.Pattern[str]
    yes_no_tag: re.Pattern[str]
    claim_word: re.Pattern[str]
    hearsay: re.Pattern[str]
    lender_after: re.Pattern[str]
    again_received: re.Pattern[str]
    not_obtained: re.Pattern[str]
    open_question: re.Pattern[str]
    # a time said with 几 ("前几年", "几年前", "好几年前"): a time before now, no "how many" asked
    time_ago: re.Pattern[str]
    confirm: re.Pattern[str]
    trailing_not: re.Pattern[str]
    exists: re.Pattern[str]
    support: re.Pattern[str]
    procedure: re.Pattern[str]
    money: re.Pattern[str]
    this_policy: re.Pattern[str]
    applying_only: re.Pattern[str]
    apply_word: re.Pattern[str]
    object_before: re.Pattern[str]
    apply_what: re.Pattern[str]
    apply_next: re.Pattern[str]
    application_lead: re.Pattern[str]
    named_money: re.Pattern[str]
    generic_qualifier: re.Pattern[str]
    bare_lead: re.Pattern[str]
    named_procedure: re.Pattern[str]
    applying_qualifier: re.Pattern[str]
    bare_words: re.Pattern[str]
    foreign: re.Pattern[str]
    highest: re.Pattern[str]
    contact: re.Pattern[str]
    contact_asked: re.Pattern[str]
    stack: re.Pattern[str]
    twice: re.Pattern[str]
    once: re.Pattern[str]
    other_levels: re.Pattern[str]
    yearly: re.Pattern[str]
    still: re.Pattern[str]
    validity: re.Pattern[str]
    agency: re.Pattern[str]
    agency_office: re.Pattern[str]
    policy_meta: re.Pattern[str]
    self_before: re.Pattern[str]
    asking: re.Pattern[str]
    proxy: re.Pattern[str]
    role_before: re.Pattern[str]
    role_after: re.Pattern[str]
    asked_after: re.Pattern[str]
    can: re.Pattern[str]
    offer: re.Pattern[str]
    getting: re.Pattern[str]
    each: re.Pattern[str]
    expert: re.Pattern[str]
    compete: re.Pattern[str]
    included: re.Pattern[str]
    require: re.Pattern[str]
    need: re.Pattern[str]
    guarantee: re.Pattern[str]
    uniform: re.Pattern[str]
    prepaid: re.Pattern[str]
    post_funded: re.Pattern[str]
    more: re.Pattern[str]
    beneficiary_before: re.Pattern[str]
    self_ref: re.Pattern[str]
    recency: re.Pattern[str]
    selected: re.Pattern[str]
    lapsed: re.Pattern[str]
    recency_in_text: re.Pattern[str]
    levels: dict[str, re.Pattern[str]]  # national, provincial, municipal, county
    less: re.Pattern[str]
    paid_out: re.Pattern[str]
    rewarded: re.Pattern[str]
    negated_any: re.Pattern[str]
    not_done: re.Pattern[str]
    only: re.Pattern[str]
    now: re.Pattern[str]
    natural_person: re.Pattern[str]
    condition_prefix_zh: re.Pattern[str]
    quota: re.Pattern[str]
    count_near: re.Pattern[str]
    lender: re.Pattern[str]

    def negated(self, core: str, *, shared: bool = False) -> re.Pattern[str]:
        """A condition's words right after a negation ("非出口企业")."""
        words = self.words.negations_zh_shared if shared else self.words.negations_zh
        return re.compile(alternation(words) + re.escape(core))


def cues_of(kb: KnowledgeBase) -> Cues:
    """The question forms of ``kb`` (compiled on first use, kept on the knowledge base)."""
    return kb.memo("ask.cues", _build)


def _build(kb: KnowledgeBase) -> Cues:
    q = kb.vocabulary.questions
    if q is None:  # the loader requires the file; a hand-built knowledge base without it cannot answer
        raise LookupError("the knowledge base has no vocabulary/questions.yaml: ask cannot read a question")

    def rx(template: str) -> re.Pattern[str]:
        return re.compile(_SLOT.sub(lambda m: alternation(getattr(q, m.group(1))), template))

    units = r"(?:@count_units_zh)"
    return Cues(
        words=q,
        ceiling_cue=rx(r"@ceiling_before\S{0,2}\s*$"),
        ceiling_any=rx("@ceiling"),
        no_ceiling=rx("@no_ceiling"),
        cap_figure=rx(r"@cap_figure\s*[\d一二三四五六七八九十两百千]"),
        scopes={"per_enterprise_per_year": rx("@scope_per_year"), "per_issue": rx("@scope_per_issue"),
                "per_enterprise": rx("@scope_overall")},
        exceed=rx("@exceed"),
        several=rx("@several"),
        several_parts=rx(r"[两二三四五六七八九几多\d]\s*@several_part_units|@several_parts"),
        total=rx("@total"),
        joined=rx("@joined"),
        # a final particle; 吗 before a comma; a question phrase; A-not-A ("奖不奖"); a trailing negation
        yes_no_zh=rx(r"(@question_particles)\s*[？?。!！~～]*\s*$|吗[？?，,\s]|@yes_no_phrases"
                     r"|([\u4e00-\u9fff])不\2|(@trailing_negations)\s*[？?。~～]*\s*$"),
        yes_no_en=rx(r"^\s*@auxiliaries"),
        yes_no_tag=rx(r"(?:^|\s)@tag_questions\s*[?？]+\s*$|@tag_phrases"),
        claim_word=rx(r"\d|@claim_words"),
        hearsay=rx("@hearsay"),
        again_received=rx("@again_received"),
        not_obtained=rx("@not_obtained"),
        lender_after=rx(r"^\s*(?:的|的一家|那边的|当地的|本地的)?\s*@lenders"),
        open_question=rx("@open_question"),
        time_ago=re.compile(alternation(sorted(q.years_ago, key=len, reverse=True))),
        confirm=rx(r"@confirm|是.{0,12}吗"),
        trailing_not=rx(r"(@trailing_negations)(\s*[？?。~～]*\s*)$"),
        exists=rx(r"@exists|有.{0,8}吗"),
        support=rx("@support"),
        procedure=rx(
            r"@procedure|@how@how_verbs|@where_to@where_verbs|@when@when_start?@when_verbs|@applying@applying_facets"
            # a modal or a time between the question word and the verb ("什么时候可以申请", "多长时间能批下来"),
            # the office asked by which ("去哪个单位申请"), the time an approval takes ("审批要多长时间")
            r"|@when[^\s，,。？?]{0,4}?@when_verbs|(?:去|到|在|找)哪个[^\s，,。？?]{0,4}?@where_verbs"
            r"|@approve[^\s，,。？?]{0,3}?@how_soon|@how_soon[^\s，,。？?]{0,3}?@approve"
            r"|@how_soon@how_soon_may?@payout|@online@may?@online_verbs|@hand_in@which?.{0,12}@documents"
            r"|\bwhen\b.*@en_payout|@where_at@publish_verbs|@send(?:纸质)?(?:的)?@papers"
            r"|@applying\S{0,6}@when_day|@papers\S{0,4}@send_any|@approve下来"
            r"|\bhow long @en_how_long_aux\b.*@en_wait|@papers_lead(?:的)?@papers|@apply_zh\S{0,6}@need_first"
            r"|找\S{0,10}@offices@office_go"
            r"|\bhow @en_how_aux (?:@en_persons )?@en_apply"
            r"|\bwhere @en_where_aux\b.*@en_where_objects|\bwhen @en_when_aux\b.*@en_when_objects"
            r"|\bnumber (?:(i|we|you) (can|could|should)|(can|could|should|do) (i|we|you)) (call|ring)\b"
            r"|\bwho (do|can|should|would) (i|we) (call|ring|contact|ask|talk to)\b"
            r"|\b(documents?|materials?) (do|does|are|is|should|must) (i|we|you)\b"
            r"|\bwhat (information|info|details|documents?|papers?) (do|does|should|must|will) (i|we|you)\b"
            r"|\bwhat do (i|we) (need|have) to (prepare|provide|submit|bring|hand in)\b"
            r"|\bhow (do|can|will|would) (i|we) (know|find out|hear)\b"
            r".*\b(selected|approved|result|results|successful)\b"),
        money=rx("@money"),
        this_policy=rx("@this_policy"),
        applying_only=rx("@applying_only"),
        apply_word=rx("@apply_word"),
        object_before=rx(r"([\u4e00-\u9fff]{2})(?:要|该|应该|需要)?@how(?:@apply_zh|办理)"),
        apply_what=rx(r"(?:@apply_zh|报)@apply_what|\b(what|which)\b.{0,30}\bapply for\b"),
        apply_next=rx("^@apply_next"),
        application_lead=rx("^@application_lead$"),
        named_money=rx(r"([\u4e00-\u9fff]{2,})(@money_nouns)"),
        generic_qualifier=rx("@generic_qualifiers$"),
        bare_lead=rx(r"(?:@bare_lead|[\s，,。?？!！:：])*"),
        named_procedure=rx(r"([\u4e00-\u9fff]{2})(的)?(@procedure_nouns)"),
        applying_qualifier=rx("@applying_qualifiers"),
        foreign=rx("@foreign_applicants"),
        highest=rx("@highest_asked"),
        bare_words=rx("@how_leads|@bare_lead|@question_particles|@this_policy"),
        contact=rx("@contact"),
        contact_asked=rx(r"@contact_words(号码)?(是|为)?(多少|是什么|几号|有吗|有没有)|@contact_words\s*[?？]|@contact_asks"
                         r"|@contact_give(我|我们|个|一下)?.{0,4}@contact_words|(有|要)(没有)?.{0,4}@contact_words"
                         r"|@contact_en @contact_en_objects"
                         r"|\bhow (can|do|should) (i|we) (contact|call|reach)"
                         r"|\bwho (do|can|should) (i|we) (call|contact)"),
        stack=rx("@stack"),
        twice=rx("@twice"),
        once=rx("@once"),
        other_levels=rx("@other_levels"),
        yearly=rx("@yearly"),
        still=rx("@still"),
        validity=rx("@validity"),
        agency=rx(r"@agency|归.{0,4}管"),
        agency_office=rx(r"[\u4e00-\u9fff]{1,6}@agency_zh_offices(?!.{0,2}(的|是))?|@agency_en_offices"),
        policy_meta=rx(r"@policy_meta_who@policy_meta_verbs|@policy_meta"),
        self_before=rx(r"@self_before[\u4e00-\u9fff]{0,4}$"),
        asking=rx("@asking"),
        proxy=rx("@proxy"),
        role_before=rx(r"@role_before\s*$"),
        role_after=rx(r"^\s*@role_after"),
        asked_after=rx(r"^\s*@asked_may?@asked_get?[^\s，,。？?]{0,2}多少|^\s*@asked_may_apply@asked_get_apply"
                       r"|^\s*@asked_en|^\s*@asked_get?的?@asked_claim\s*" + _FIGURE_START
                       + r"|^\s*@asked_may@asked_get[^\s，,。？?\d]{0,2}" + _FIGURE_START),
        can=rx("@can"),
        offer=rx("@offer"),
        getting=rx("@getting"),
        each=rx("@each"),
        expert=rx("@expert"),
        compete=rx("@compete"),
        included=rx("@included"),
        require=rx(r"@require|@require_around.{0,16}@require_then"),
        need=rx("@need"),
        guarantee=rx("@guarantee"),
        uniform=rx("@uniform"),
        prepaid=rx("@prepaid"),
        post_funded=rx("@post_funded"),
        self_ref=rx("@self_ref"),
        recency=rx("@recency"),
        selected=rx("@selected"),
        lapsed=rx("@lapsed"),
        recency_in_text=rx("@recency_in_text"),
        beneficiary_before=rx(r"(?<!是)@beneficiary_before[\u4e00-\u9fff]{0,3}$"),
        levels={lv: rx(f"@level_{lv}") for lv in ("national", "provincial", "municipal", "county")},
        more=rx(r"比[^，,？?。]{1,20}?@more_words|@more_words than\b"),
        less=rx(r"比[^，,？?。]{1,20}?@less_words|@less_words than\b"),
        paid_out=rx("@paid_out"),
        rewarded=rx(r"@rewarded_zh|^\s*(?:does|do|will|would)\b.*@reward_verbs_en"),
        negated_any=rx("@negations_zh_shared"),
        not_done=rx("@not_done"),
        only=rx("@only"),
        now=rx("@now"),
        natural_person=rx("@natural_persons"),
        condition_prefix_zh=rx("^@condition_prefixes_zh"),
        quota=rx(r"@quota_years.{0,6}@quota_verbs?.{0,4}\d+\s*(到|至|-|—|–|~)?\s*\d*\s*" + units
                 + r"|\d+\s*" + units + r".{0,4}(每年|一年)"
                 r"|@en_years.*\b\d+\b|\b\d+\b.*@count_units_en.*@en_years"),
        count_near=rx(r"(\d+)\s*(?:@count_units_zh|(?:[a-z]+\s)?@count_units_en)"),
        # "我们是银行", "我们是石家庄一家农商行", "we are a bank", 我行: the asker lends (not "我们是向银行贷的")
        lender=rx(r"@lender_self(?:一家|一个|家)?(?:(?![" + re.escape(q.lender_gap_stops) + r"])[\u4e00-\u9fff]){0,6}?"
                  r"@lenders(?!\s*@lender_borrowing)|@lender_self_words"
                  r"|@lender_self\s+(?:(?:a|an|the)\s+)?(?:[a-z]+\s+){0,2}?@lenders(?!\s*@lender_borrowing)"),
    )
