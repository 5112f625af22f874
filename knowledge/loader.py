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

from knowledge.models import (
    Applicants,
    Benefit,
    Condition,
    Contact,
    Fact,
    FactWords,
    FigureWords,
    Intents,
    KnowledgeBase,
    OutOfScope,
    Places,
    Polarity,
    Policy,
    QuestionGroup,
    Vocabulary,
)

DATA_DIR = Path(__file__).parent / "data"
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


class KnowledgeBaseError(Exception):
    """The knowledge base cannot be used; ``problems`` lists every fault found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class _SafeLineLoader(yaml.SafeLoader):
    """Safe loader without aliases: an officer's file has no need for them and they allow bombs."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.constructor.ConstructorError(
                None, None, "YAML aliases (*name) are not allowed in the knowledge base", event.start_mark
            )
        return super().compose_node(parent, index)


# Dates stay strings here and are validated by the models, so "2025-02-30" gets a clear message.
_SafeLineLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def safe_load(text: str) -> Any:
    """Parse untrusted YAML (or JSON): safe types only, no aliases, so no billion-laughs bombs."""
    return yaml.load(text, Loader=_SafeLineLoader)


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
            if path.stat().st_size > MAX_FILE_BYTES:
                self.problems.append(Problem(name, "", None, f"file is larger than {MAX_FILE_BYTES} bytes"))
                return None, None
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self.problems.append(Problem(name, "", None, f"cannot read: {exc}"))
            return None, None
        try:
            node = yaml.compose(text, Loader=_SafeLineLoader)
            data = yaml.load(text, Loader=_SafeLineLoader)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark is not None else None
            self.problems.append(Problem(name, "", line, f"not valid YAML: {getattr(exc, 'problem', exc)}"))
            return None, None
        return data, node

    def validation(self, path: Path, node: yaml.Node | None, prefix: tuple[int | str, ...],
                   err: ValidationError) -> None:
        for e in err.errors():
            loc = prefix + tuple(e["loc"])
            # discriminated unions insert the tag into the location; it is not a YAML key
            clean = tuple(p for p in loc if p not in {"fixed", "range", "up_to", "tiered", "percentage", "none"})
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
        for k, other in enumerate(benefit.not_with):
            if other not in seen or other == benefit.id:
                r.at(path, node, (i, "not_with", k), f"not_with names {other!r}, which is not another benefit")

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

    contacts = _load_contacts(r, root)
    vocabulary = _read_vocabulary(r, root / "vocabulary", facts, benefits)
    facts, benefits = _with_vocabulary(vocabulary, facts, benefits)
    places = _read_section(r, root / "places.yaml", TypeAdapter(Places)) or Places()

    if r.problems or policy is None:
        raise KnowledgeBaseError(r.problems)
    return KnowledgeBase(policy=policy, facts=facts, benefits=benefits, out_of_scope=out_of_scope,
                         question_groups=groups, vocabulary=vocabulary, places=places,
                         contacts=contacts)


_VOCABULARY_FILES: dict[str, TypeAdapter[Any]] = {
    "polarity": TypeAdapter(Polarity),
    "intents": TypeAdapter(Intents),
    "applicants": TypeAdapter(Applicants),
    "figures": TypeAdapter(FigureWords),
    "facts": TypeAdapter(dict[str, FactWords]),
    "benefits": TypeAdapter(dict[str, list[str]]),
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
    if not facts:
        return vocabulary
    facts_path = folder / "facts.yaml"
    node = _node_of(facts_path) if vocabulary.facts else None
    for fact_id, words in vocabulary.facts.items():
        fact = facts.get(fact_id)
        if fact is None:
            r.at(facts_path, node, (fact_id,), f"unknown fact {fact_id!r}; it must be a fact of facts.yaml")
            continue
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
    node = _node_of(folder / "figures.yaml") if vocabulary.figures.yearly_facts else None
    for i, fact_id in enumerate(vocabulary.figures.yearly_facts):
        if fact_id not in facts:
            r.at(folder / "figures.yaml", node, ("yearly_facts", i), f"unknown fact {fact_id!r}")
    return vocabulary


def _node_of(path: Path) -> yaml.Node | None:
    try:
        return yaml.compose(path.read_text(encoding="utf-8"), Loader=_SafeLineLoader)
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
    if b.applicants != "any":
        known = facts["entity_type"].option_ids() if "entity_type" in facts else []
        for k, a in enumerate(b.applicants):
            if a not in known:
                r.at(path, node, (i, "applicants", k), f"unknown applicant type {a!r} (known: {', '.join(known)})")
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
    if amt.kind == "percentage":
        fact = facts.get(amt.of)
        if fact is None or fact.type not in ("money", "money_list"):
            r.at(path, node, (i, "amount", "of"), f"percentage needs a money fact, got {amt.of!r}")
        elif (amt.cap_scope == "per_issue") != (fact.type == "money_list"):
            r.at(path, node, (i, "amount", "cap_scope"),
                 "per_issue caps go with money_list facts, other scopes with money facts")
    if b.is_info and (b.conditions or amt.kind != "none"):
        r.at(path, node, (i, "award", "mode"), "an info entry has no conditions and no amount")
    if b.award.mode == "competitive" and b.award.quota is None:
        r.at(path, node, (i, "award"), "a competitive benefit needs its yearly quota")


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
