"""Read the knowledge base from YAML and report every problem with file, path and line.

A policy officer edits these files by hand; an error must say where to look and what to fix,
so we keep YAML node positions and map pydantic's error locations back onto them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, TypeAdapter, ValidationError

from knowledge.errors import IpbotError
from knowledge.models import (
    Applicants,
    Benefit,
    Condition,
    Contact,
    Fact,
    FactWords,
    FigureWords,
    Intents,
    ItemCount,
    KnowledgeBase,
    OutOfScope,
    Places,
    Polarity,
    Policy,
    QuestionCues,
    QuestionGroup,
    Text,
    Translations,
    Vocabulary,
    item_count,
    last_day_in_force,
)
from knowledge.yaml_io import FileRefused, StrictLoader, read_regular_file
from knowledge.yaml_io import safe_load as safe_load  # re-exported: profiles and data sets read the same way

DATA_DIR = Path(__file__).parent / "data"
_DATED_LIST = "list[DatedValue]"  # the dated-values member of a number's union (knowledge.models.Dated)
_UNION_TAGS = {"fixed", "range", "up_to", "tiered", "percentage", "none", "constrained-float", "float", _DATED_LIST}
M = TypeVar("M", bound=BaseModel)
MAX_FILE_BYTES = 2_000_000


@dataclass(frozen=True)
class Problem:
    file: str
    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.path or '(top)'}: {self.message}"


class KnowledgeBaseError(IpbotError):
    """The knowledge base cannot be used; ``problems`` lists every fault found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def _line_of(node: yaml.Node | None, loc: tuple[int | str, ...]) -> int | None:
    """Follow a pydantic error location through the YAML node tree to a 1-based line."""
    line = node.start_mark.line + 1 if node is not None else None
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            nxt = None
            for k, v in node.value:
                if str(k.value) == str(key) or (key == "in_" and k.value == "in"):
                    nxt = v
                    line = k.start_mark.line + 1
                    break
            if nxt is None:
                break
            node = nxt
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
            line = node.start_mark.line + 1
        else:
            break
    return line


def _fmt_loc(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out.replace("in_", "in")


class _FileReader:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[Problem] = []

    def name(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root.parent))
        except ValueError:
            return str(path)

    def read(self, path: Path) -> tuple[Any, yaml.Node | None]:
        name = self.name(path)
        try:
            text = read_regular_file(path, MAX_FILE_BYTES).decode("utf-8")
        except FileRefused as exc:
            self.problems.append(Problem(name, "", None, str(exc).removeprefix(f"{path}: ")))
            return None, None
        except (OSError, UnicodeDecodeError) as exc:
            self.problems.append(Problem(name, "", None, f"cannot read: {exc}"))
            return None, None
        try:
            node = yaml.compose(text, Loader=StrictLoader)
            data = yaml.load(text, Loader=StrictLoader)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark is not None else None
            self.problems.append(Problem(name, "", line, f"not valid YAML: {getattr(exc, 'problem', exc)}"))
            return None, None
        return data, node

    def validation(self, path: Path, node: yaml.Node | None, prefix: tuple[int | str, ...],
                   err: ValidationError) -> None:
        errors = err.errors()
        for e in errors:
            loc = prefix + tuple(e["loc"])
            # unions insert the member's tag into the location; it is not a YAML key
            clean = tuple(p for p in loc if p not in _UNION_TAGS)
            if loc and loc[-1] == _DATED_LIST and not isinstance(e.get("input"), list) and len(errors) > 1:
                continue  # a plain number that is wrong: its own message says why, not "a valid list"
            self.problems.append(Problem(self.name(path), _fmt_loc(clean), _line_of(node, clean), e["msg"]))

    def items(self, path: Path, model: type[M], what: str) -> Iterator[tuple[int, M, yaml.Node | None]]:
        """Each valid entry of a file holding a YAML list; invalid ones become problems."""
        raw, node = self.read(path)
        if raw is None:
            return
        if not isinstance(raw, list):
            self.at(path, node, (), f"expected a list of {what}")
            return
        for i, item in enumerate(raw):
            try:
                yield i, model.model_validate(item), node
            except ValidationError as exc:
                self.validation(path, node, (i,), exc)

    def at(self, path: Path, node: yaml.Node | None, loc: tuple[int | str, ...], message: str) -> None:
        self.problems.append(Problem(self.name(path), _fmt_loc(loc), _line_of(node, loc), message))


def load_knowledge_base(root: Path | None = None) -> KnowledgeBase:
    """Load and cross-check ``policy.yaml``, ``facts.yaml``, ``benefits/*.yaml`` and ``out_of_scope.yaml``.

    Raises KnowledgeBaseError listing every problem found, not just the first.
    """
    root = root or DATA_DIR
    r = _FileReader(root)
    policy_path, facts_path = root / "policy.yaml", root / "facts.yaml"

    raw_policy, policy_node = r.read(policy_path)
    policy: Policy | None = None
    if raw_policy is not None:
        try:
            policy = Policy.model_validate(raw_policy)
        except ValidationError as exc:
            r.validation(policy_path, policy_node, (), exc)

    facts: dict[str, Fact] = {}
    facts_node: yaml.Node | None = None
    for i, fact, facts_node in r.items(facts_path, Fact, "facts"):
        if fact.id in facts:
            r.at(facts_path, facts_node, (i, "id"), f"duplicate fact id {fact.id!r}")
        facts[fact.id] = fact

    benefit_files = sorted((root / "benefits").glob("*.yaml"))
    if not benefit_files:
        r.problems.append(Problem(r.name(root / "benefits"), "", None, "no benefit files (*.yaml) found"))
    benefits: list[Benefit] = []
    seen: dict[str, str] = {}
    placed: list[tuple[Path, yaml.Node | None, int, Benefit]] = []
    for path in benefit_files:
        for i, benefit, node in r.items(path, Benefit, "benefits"):
            if benefit.id in seen:
                r.at(path, node, (i, "id"), f"duplicate benefit id {benefit.id!r} (also in {seen[benefit.id]})")
            seen[benefit.id] = r.name(path)
            benefits.append(benefit)
            placed.append((path, node, i, benefit))
            if policy is not None and facts:
                _cross_check(r, path, node, i, benefit, policy, facts)

    for path, node, i, benefit in placed:
        if benefit.not_with:
            r.at(path, node, (i, "not_with"), "not_with is replaced by no_double_subsidy.exclusions in policy.yaml "
                 "(the entries that are the same matter, and how the payment is resolved)")
    if policy is not None:
        _check_policy(r, policy_path, policy_node, policy, seen, {b.id: b for b in benefits}, facts)

    for i, fact in enumerate(facts.values()):
        for k, member_id in enumerate(fact.summary_of):
            linked = facts.get(member_id)
            if fact.type != "bool" or linked is None or linked.type != "bool":
                r.at(facts_path, facts_node, (i, "summary_of", k),
                     f"summary_of links yes/no facts; {member_id!r} is not a yes/no fact of the catalogue")
    if policy is not None and facts:
        for j, cond in enumerate(policy.common_conditions):
            for msg in _condition_problems(cond, facts):
                r.at(policy_path, policy_node, ("common_conditions", j), msg)
        if "entity_type" not in facts:
            r.at(facts_path, facts_node, (), "the fact catalogue must define entity_type")

    oos_path = root / "out_of_scope.yaml"
    out_of_scope = [x for _, x, _ in r.items(oos_path, OutOfScope, "out-of-scope subjects")] \
        if oos_path.exists() else []

    groups: list[QuestionGroup] = []
    groups_path = root / "question_groups.yaml"
    for i, group, node in (r.items(groups_path, QuestionGroup, "question groups") if groups_path.exists() else []):
        for k, fact_id in enumerate(group.facts):
            member = facts.get(fact_id)
            if member is None:
                r.at(groups_path, node, (i, "facts", k), f"unknown fact {fact_id!r}")
            elif member.type not in ("bool", "money", "money_list"):
                r.at(groups_path, node, (i, "facts", k),
                     f"{fact_id} is a {member.type} fact; groups take yes/no and money facts")
        groups.append(group)

    translations = _translations(r, root / "translations", seen)
    contacts = _load_contacts(r, root)
    vocabulary = _read_vocabulary(r, root / "vocabulary", facts, benefits)
    facts, benefits = _with_vocabulary(vocabulary, facts, benefits)
    places = _read_section(r, root / "places.yaml", TypeAdapter(Places)) or Places()
    _check_short_labels(r, facts_path, facts_node, facts, groups)
    for path, node, i, benefit in placed:
        for msg in _short_problems(benefit.title, benefit.short_title, "short_title", "title"):
            r.at(path, node, (i, "short_title" if benefit.short_title else "title"), msg)

    if r.problems or policy is None:
        raise KnowledgeBaseError(r.problems)
    return KnowledgeBase(policy=policy, facts=facts, benefits=benefits, out_of_scope=out_of_scope,
                         question_groups=groups, vocabulary=vocabulary, places=places,
                         translations=translations, contacts=contacts)


def _translations(r: _FileReader, directory: Path, benefit_ids: dict[str, str]) -> dict[str, Translations]:
    """Each ``translations/*.yaml``: valid, one file per language, and a rendering for every quoted clause."""
    out: dict[str, Translations] = {}
    for path in sorted(directory.glob("*.yaml")) if directory.is_dir() else []:
        raw, node = r.read(path)
        if raw is None:
            continue
        try:
            t = Translations.model_validate(raw)
        except ValidationError as exc:
            r.validation(path, node, (), exc)
            continue
        if t.lang in out:
            r.at(path, node, ("lang",), f"a second translation file for {t.lang!r}")
        for bid in t.clauses:
            if bid not in benefit_ids:
                r.at(path, node, ("clauses", bid), f"{bid!r} is not a benefit id")
        missing = [bid for bid in benefit_ids if bid not in t.clauses]
        if missing:
            r.at(path, node, ("clauses",), f"no {t.lang} rendering of the clause of: {', '.join(missing)}")
        out[t.lang] = t
    return out


_VOCABULARY_FILES: dict[str, TypeAdapter[Any]] = {
    "polarity": TypeAdapter(Polarity),
    "intents": TypeAdapter(Intents),
    "applicants": TypeAdapter(Applicants),
    "figures": TypeAdapter(FigureWords),
    "facts": TypeAdapter(dict[str, FactWords]),
    "benefits": TypeAdapter(dict[str, list[str]]),
    "questions": TypeAdapter(QuestionCues),
}


def _read_section(r: _FileReader, path: Path, adapter: TypeAdapter[M]) -> M | None:
    """One optional vocabulary file, validated; None when absent or invalid (then a problem says why)."""
    if not path.exists():
        return None
    raw, node = r.read(path)
    if raw is None:
        return None
    try:
        return adapter.validate_python(raw)
    except ValidationError as exc:
        r.validation(path, node, (), exc)
        return None


def _read_vocabulary(r: _FileReader, folder: Path, facts: dict[str, Fact],
                     benefits: list[Benefit]) -> Vocabulary:
    """``vocabulary/*.yaml``: every entry must name a fact, option, benefit or type that exists."""
    sections: dict[str, Any] = {}
    for name, adapter in _VOCABULARY_FILES.items():
        value = _read_section(r, folder / f"{name}.yaml", adapter)
        if value is not None:
            sections[name] = value
    if folder.exists():
        for path in sorted(folder.glob("*.yaml")):
            if path.stem not in _VOCABULARY_FILES:
                r.problems.append(Problem(r.name(path), "", None, "unknown vocabulary file (known: "
                                          + ", ".join(f"{n}.yaml" for n in _VOCABULARY_FILES) + ")"))
    vocabulary = Vocabulary(**sections)
    _check_questions(r, folder / "questions.yaml", vocabulary.questions)
    if not facts:
        return vocabulary
    facts_path = folder / "facts.yaml"
    node = _node_of(facts_path) if vocabulary.facts else None
    for fact_id, words in vocabulary.facts.items():
        fact = facts.get(fact_id)
        if fact is None:
            r.at(facts_path, node, (fact_id,), f"unknown fact {fact_id!r}; it must be a fact of facts.yaml")
            continue
        if (words.counted or words.year_cues or words.year_leads) and fact.type != "number":
            r.at(facts_path, node, (fact_id,), f"counted/year_cues are for a number fact; {fact_id} is {fact.type}")
        if words.plausible_max is not None and fact.type not in ("money", "money_list"):
            r.at(facts_path, node, (fact_id, "plausible_max"),
                 f"plausible_max is for a money fact; {fact_id} is {fact.type}")
        if (words.year_cues or words.year_leads) and fact.year_of is None:
            r.at(facts_path, node, (fact_id, "year_cues"), f"{fact_id} is no year (it has no year_of)")
        for option_id in words.options:
            if option_id not in fact.option_ids():
                r.at(facts_path, node, (fact_id, "options", option_id),
                     f"{option_id!r} is not an option of {fact_id} ({', '.join(fact.option_ids()) or 'none'})")
    benefits_path = folder / "benefits.yaml"
    known = {b.id for b in benefits}
    node = _node_of(benefits_path) if vocabulary.benefits else None
    for benefit_id in vocabulary.benefits:
        if benefit_id not in known:
            r.at(benefits_path, node, (benefit_id,), f"unknown benefit {benefit_id!r}")
    types = facts["entity_type"].option_ids() if "entity_type" in facts else []
    node = _node_of(folder / "applicants.yaml") if vocabulary.applicants.types else None
    for i, t in enumerate(vocabulary.applicants.types):
        if t.entity_type not in types:
            r.at(folder / "applicants.yaml", node, ("types", i, "entity_type"),
                 f"unknown applicant type {t.entity_type!r} (known: {', '.join(types)})")
    for i, entity_type in enumerate(vocabulary.applicants.serving_types):
        if entity_type not in types:
            r.at(folder / "applicants.yaml", node, ("serving_types", i),
                 f"unknown applicant type {entity_type!r} (known: {', '.join(types)})")
    figures = vocabulary.figures
    node = _node_of(folder / "figures.yaml") if (figures.yearly_facts or figures.originators
                                                 or figures.misspellings or figures.counted_all
                                                 or figures.last_year_facts) else None
    for i, fact_id in enumerate(figures.yearly_facts):
        if fact_id not in facts:
            r.at(folder / "figures.yaml", node, ("yearly_facts", i), f"unknown fact {fact_id!r}")
    for i, pair in enumerate(figures.originators):
        for role in ("originator", "financed"):
            fact_id = getattr(pair, role)
            if fact_id not in facts or facts[fact_id].type not in ("money", "money_list"):
                r.at(folder / "figures.yaml", node, ("originators", i, role),
                     f"{fact_id!r} is not a money fact of facts.yaml")
    for i, fact_id in enumerate(figures.last_year_facts):
        if fact_id not in facts or facts[fact_id].window is None:
            r.at(folder / "figures.yaml", node, ("last_year_facts", i), f"{fact_id!r} is not a fact with a window")
    for fact_id in figures.counted_all:
        if fact_id not in facts or facts[fact_id].type != "number":
            r.at(folder / "figures.yaml", node, ("counted_all", fact_id),
                 f"{fact_id!r} is not a count fact of facts.yaml")
    for typed, meant in figures.misspellings.items():
        if not typed or len(typed) != len(meant) or typed == meant:
            r.at(folder / "figures.yaml", node, ("misspellings", typed),
                 f"a misspelling is read as a different word of its own length, not {typed!r} -> {meant!r}")
    for i, sign in enumerate(figures.minus_signs):
        if len(sign) != 1:
            r.at(folder / "figures.yaml", node, ("minus_signs", i), f"a minus sign is one character, not {sign!r}")
    for i, numerals in enumerate(figures.numeral_ranges):
        if len(numerals) != 2:
            node = node or _node_of(folder / "figures.yaml")
            r.at(folder / "figures.yaml", node, ("numeral_ranges", i),
                 f"a range is two numerals side by side, not {numerals!r}")
    _check_characters(r, folder / "polarity.yaml", vocabulary.polarity)
    levels = vocabulary.polarity.other_levels if vocabulary.polarity else None
    if levels is not None and bool(levels.levels) != bool(levels.titles):
        r.at(folder / "polarity.yaml", _node_of(folder / "polarity.yaml"), ("other_levels",),
             "other_levels needs both levels and titles (each level is read before each title)")
    return vocabulary


def _check_characters(r: _FileReader, path: Path, polarity: Polarity | None) -> None:
    """``particles`` and ``still`` are stripped character by character: each entry is one character."""
    if polarity is None:
        return
    node = None
    for key in ("particles", "still"):
        for i, ch in enumerate(getattr(polarity, key)):
            if len(ch) != 1:
                node = node or _node_of(path)
                r.at(path, node, (key, i), f"{key} are stripped one character at a time: {ch!r} is not one character")


def _check_questions(r: _FileReader, path: Path, questions: QuestionCues | None) -> None:
    """``vocabulary/questions.yaml`` is required (ask reads every question's form from it); a word twice in
    one list is a slip of the editor, named with its place."""
    if questions is None:
        if not path.exists():
            r.problems.append(Problem(r.name(path), "", None, "missing: `ipbot ask` reads how questions are asked "
                                      "from it (yes/no, a sum, procedure …)"))
        return
    node = _node_of(path)
    for name, words in questions:
        if not isinstance(words, list):
            continue
        seen: set[str] = set()
        for i, word in enumerate(words):
            if word in seen:
                r.at(path, node, (name, i), f"{word!r} is already in {name}")
            seen.add(word)


def _node_of(path: Path) -> yaml.Node | None:
    try:
        return yaml.compose(path.read_text(encoding="utf-8"), Loader=StrictLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None


def _merged(old: list[str], new: list[str]) -> list[str]:
    return list(dict.fromkeys([*old, *new]))


def _with_vocabulary(vocabulary: Vocabulary, facts: dict[str, Fact],
                     benefits: list[Benefit]) -> tuple[dict[str, Fact], list[Benefit]]:
    """Fill ``Fact.mentions``/``figure_cues``/option aliases and ``Benefit.aliases`` from the vocabulary.

    Code reads the words where it always has (the matcher needs no change); the files keep them apart.
    """
    out: dict[str, Fact] = {}
    for fact_id, fact in facts.items():
        words = vocabulary.facts.get(fact_id)
        if words is None:
            out[fact_id] = fact
            continue
        options = [o.model_copy(update={"aliases": _merged(o.aliases, words.options.get(o.id, []))})
                   for o in fact.options]
        out[fact_id] = fact.model_copy(update={"mentions": _merged(fact.mentions, words.mentions),
                                               "figure_cues": _merged(fact.figure_cues, words.figure_cues),
                                               "options": options})
    merged = [b.model_copy(update={"aliases": _merged(b.aliases, vocabulary.benefits[b.id])})
              if b.id in vocabulary.benefits else b for b in benefits]
    return out, merged


def _check_policy(r: _FileReader, path: Path, node: yaml.Node | None, policy: Policy, seen: dict[str, str],
                  benefits: dict[str, Benefit], facts: dict[str, Fact]) -> None:
    """Validity arithmetic, the year facts it reads, the unnamed applicants and the no-double-subsidy groups."""
    entity_types = facts["entity_type"].option_ids() if "entity_type" in facts else []
    v = policy.validity
    end = last_day_in_force(v.latest_published_on, v.years)
    if v.assumed_valid_until != end:
        r.at(path, node, ("validity", "assumed_valid_until"),
             f"published on {v.latest_published_on} at the latest, valid {v.years} years: the last day in force is "
             f"{end}, not {v.assumed_valid_until}")
    if v.published_on is not None and not v.earliest_start <= v.published_on <= v.latest_published_on:
        r.at(path, node, ("validity", "published_on"),
             f"the publication date must lie between {v.earliest_start} and {v.latest_published_on}")
    in_group: dict[str, int] = {}
    for kind, u in policy.unnamed_applicants.items():
        if kind not in entity_types:
            r.at(path, node, ("unnamed_applicants", kind), f"{kind!r} is not an entity_type option")
        if u.near and u.phrase is None:
            r.at(path, node, ("unnamed_applicants", kind), "say what the names it is near are read as (phrase)")
        for k, near in enumerate(u.near):
            if near not in entity_types:
                r.at(path, node, ("unnamed_applicants", kind, "near", k), f"{near!r} is not an entity_type option")
    if policy.unnamed_applicants and policy.any_applicant_reading is None:
        r.at(path, node, ("any_applicant_reading",), "unnamed applicants need the reading of an entry open to any")
    if v.application_year is not None:
        fact = facts.get(v.application_year)
        if fact is None or fact.year_of != "application":
            r.at(path, node, ("validity", "application_year"),
                 f"{v.application_year!r} is not a year fact with year_of: application")
        if v.partial_year is None:
            r.at(path, node, ("validity", "partial_year"), "say what a year the validity covers in part reads as")
    for j, group in enumerate(policy.no_double_subsidy.exclusions):
        for k, benefit_id in enumerate(group.benefits):
            loc = ("no_double_subsidy", "exclusions", j, "benefits", k)
            if benefit_id not in seen:
                r.at(path, node, loc, f"unknown benefit {benefit_id!r}")
            elif benefits[benefit_id].is_info or benefits[benefit_id].award.mode == "supported":
                r.at(path, node, loc, f"{benefit_id} pays no set amount; only paying entries can exclude each other")
            elif benefit_id in in_group:
                r.at(path, node, loc, f"{benefit_id} is already in exclusion group {in_group[benefit_id]}")
            in_group.setdefault(benefit_id, j)


# A button row on a phone holds about 16 Chinese characters or 28 Latin ones; mixed text counts
# a CJK character as 28/16 of a Latin one.
SHORT_LABEL_LIMITS = {"zh": 16, "en": 28}


def label_width(text: str) -> float:
    """The width of a label in Latin characters (a CJK or full-width character counts 1.75)."""
    wide = sum(1 for ch in text if ord(ch) >= 0x2E80)
    return wide * SHORT_LABEL_LIMITS["en"] / SHORT_LABEL_LIMITS["zh"] + (len(text) - wide)


def _short_problems(label: Text, short: Text | None, short_key: str, label_key: str) -> list[str]:
    """A label too wide for a phone's button row needs a short one; a short one must fit."""
    limit = SHORT_LABEL_LIMITS["en"]
    problems = []
    for lang in ("zh", "en"):
        if short is not None:
            shown = short.zh if lang == "zh" else short.en
            if label_width(shown) > limit:
                problems.append(f"{short_key}.{lang} {shown!r} is too long for a phone button "
                                f"(at most 16 Chinese or 28 Latin characters)")
        else:
            full = label.zh if lang == "zh" else label.en
            if label_width(full) > limit:
                problems.append(f"{label_key}.{lang} {full!r} does not fit a phone button: add "
                                f"{short_key} (at most 16 Chinese or 28 Latin characters)")
    return problems


def _check_short_labels(r: _FileReader, path: Path, node: yaml.Node | None, facts: dict[str, Fact],
                        groups: list[QuestionGroup]) -> None:
    """Every option shown as a button fits a phone's row: choice options, facts (their answers are
    buttons to change them) and facts ticked in groups."""
    index = {fact_id: i for i, fact_id in enumerate(facts)}
    for fact_id, fact in facts.items():
        for k, option in enumerate(fact.options):
            for msg in _short_problems(option.label, option.short, "short", "label"):
                r.at(path, node, (index[fact_id], "options", k), msg)
    for fact_id, fact in facts.items():  # every answer is a button under "change an answer"
        for msg in _short_problems(fact.label, fact.short, "short", "label"):
            r.at(path, node, (index[fact_id],), msg)
    in_groups = {f: g for g in groups for f in g.facts}
    for fact_id, group in in_groups.items():
        member = facts.get(fact_id)
        if member is None:
            continue
        shown = group.option_labels.get(fact_id) or member.label
        if member.short is not None:
            continue  # checked above
        for msg in _short_problems(shown, member.short, "short", "label (as a group option)"):
            r.at(path, node, (index[fact_id],), msg)
def _load_contacts(r: _FileReader, root: Path) -> list[Contact]:
    """``contact.yaml``: optional, and an empty list is valid (the bot then holds no contact details)."""
    path = root / "contact.yaml"
    if not path.exists():
        return []
    raw, _node = r.read(path)
    if raw is None:  # comments only (no contacts), or unreadable (the reader recorded the problem)
        return []
    return [c for _, c, _ in r.items(path, Contact, "contacts")]


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _cross_check(r: _FileReader, path: Path, node: yaml.Node | None, i: int, b: Benefit,
                 policy: Policy, facts: dict[str, Fact]) -> None:
    if b.ref not in policy.clauses:
        r.at(path, node, (i, "ref"), f"ref {b.ref!r} is not a clause in policy.yaml "
             f"(known: {', '.join(policy.clauses)})")
    elif _squash(b.source) not in _squash(policy.clauses[b.ref].text):
        r.at(path, node, (i, "source"), f"source is not a verbatim quote of clause {b.ref}")
    if b.topic not in policy.topics:
        r.at(path, node, (i, "topic"), f"unknown topic {b.topic!r} (known: {', '.join(policy.topics)})")
    if b.applicant_reading is not None and b.applicants == "any":
        r.at(path, node, (i, "applicant_reading"), "an applicant reading needs the list of applicants it reads in")
    if b.applicants != "any":
        known = facts["entity_type"].option_ids() if "entity_type" in facts else []
        for k, a in enumerate(b.applicants):
            if a not in known:
                r.at(path, node, (i, "applicants", k), f"unknown applicant type {a!r} (known: {', '.join(known)})")
    if b.event_year is not None:
        fact = facts.get(b.event_year.fact)
        if fact is None or fact.year_of != "event":
            r.at(path, node, (i, "event_year", "fact"), f"{b.event_year.fact!r} is not a year fact with year_of: event")
    for k, cond in enumerate(b.conditions):
        for msg in _condition_problems(cond, facts):
            r.at(path, node, (i, "conditions", k), msg)
    amt = b.amount
    if amt.kind == "tiered":
        fact = facts.get(amt.by)
        if fact is None or fact.type != "choice":
            r.at(path, node, (i, "amount", "by"), f"tiered amount needs a choice fact, got {amt.by!r}")
        else:
            for tier in amt.tiers:
                if tier not in fact.option_ids():
                    r.at(path, node, (i, "amount", "tiers", tier), f"{tier!r} is not an option of {amt.by}")
            missing = [o for o in fact.option_ids() if o not in amt.tiers and o != "none"]
            if missing:
                r.at(path, node, (i, "amount", "tiers"), f"no amount for {', '.join(missing)} of {amt.by}")
            if fact.multiple and amt.several is None:
                r.at(path, node, (i, "amount"), f"{amt.by} may hold several values: say how several are paid "
                     "(several: {min: highest|each, max: highest|each})")
            if amt.several is not None and not fact.multiple:
                r.at(path, node, (i, "amount", "several"), f"{amt.by} holds one value (it is not multiple: true)")
    if amt.kind == "percentage":
        fact = facts.get(amt.of)
        if fact is None or fact.type not in ("money", "money_list"):
            r.at(path, node, (i, "amount", "of"), f"percentage needs a money fact, got {amt.of!r}")
        elif (amt.cap_scope == "per_issue") != (fact.type == "money_list"):
            r.at(path, node, (i, "amount", "cap_scope"),
                 "per_issue caps go with money_list facts, other scopes with money facts")
    count = item_count(amt)
    if count is not None:
        for msg in _count_problems(b, count, facts):
            r.at(path, node, (i, "amount", "count"), msg)
    if b.is_info and (b.conditions or amt.kind != "none"):
        r.at(path, node, (i, "award", "mode"), "an info entry has no conditions and no amount")
    if b.award.mode in ("conditional", "competitive") and amt.kind == "none":
        r.at(path, node, (i, "award", "mode"), "an entry without an amount is award mode supported "
             "(the implementing rules set amount and procedure) or info")
    if b.award.mode == "supported" and (amt.kind != "none" or b.award.quota is not None):
        r.at(path, node, (i, "award", "mode"), "a supported direction has no amount and no quota: the "
             "implementing rules set them")
    if b.award.mode == "competitive" and b.award.quota is None:
        r.at(path, node, (i, "award"), "a competitive benefit needs its yearly quota")


def _count_problems(b: Benefit, count: ItemCount, facts: dict[str, Fact]) -> list[str]:
    """A per-item count names a count fact, says the count in its reading, and caps a competitive
    entry at its yearly quota (no more items are chosen in a year)."""
    problems: list[str] = []
    fact = facts.get(count.fact)
    if fact is None or fact.type != "number" or fact.year_of is not None or (fact.minimum or 0) < 1:
        problems.append(f"count needs a number fact counting from 1 (not a year), got {count.fact!r}")
    if "{n}" not in count.reading.zh or "{n}" not in count.reading.en:
        problems.append("the count's reading says the count said: put {n} in both languages")
    quota = b.award.quota
    if b.award.mode == "competitive" and quota is not None and count.most != quota.max:
        problems.append(f"a competitive entry pays at most its yearly quota: most should be {quota.max}")
    if b.award.mode != "competitive" and count.most is not None:
        problems.append("most is the yearly quota of a competitive entry; this entry has none")
    return problems


def _condition_problems(cond: Condition, facts: dict[str, Fact]) -> list[str]:
    fact = facts.get(cond.fact)
    if fact is None:
        return [f"condition names unknown fact {cond.fact!r}; add it to facts.yaml or fix the name"]
    problems: list[str] = []
    if cond.equals is not None and fact.type == "bool" and not isinstance(cond.equals, bool):
        problems.append(f"{cond.fact} is yes/no: use equals: true or false")
    if cond.equals is not None and fact.type == "choice" and cond.equals not in fact.option_ids():
        problems.append(f"{cond.equals!r} is not an option of {cond.fact} ({', '.join(fact.option_ids())})")
    if cond.equals is not None and fact.type in ("money", "money_list"):
        problems.append(f"{cond.fact} is an amount: use gt (money) or any_gt (money_list), not equals")
    for values in (cond.in_, cond.not_in):
        if values is not None:
            if fact.type != "choice":
                problems.append(f"in/not_in need a choice fact; {cond.fact} is {fact.type}")
            else:
                problems += [f"{v!r} is not an option of {cond.fact}" for v in values if v not in fact.option_ids()]
    if cond.gt is not None and fact.type != "money":
        problems.append(f"gt needs a money fact; {cond.fact} is {fact.type}")
    if cond.any_gt is not None and fact.type != "money_list":
        problems.append(f"any_gt needs a money_list fact; {cond.fact} is {fact.type}")
    return problems
