"""How a question is asked is data: vocabulary/questions.yaml, validated at the door, compiled once.

A new word people use is a YAML edit: these tests add one to a copy of the knowledge base and watch the
answer change, and break the file to see the loader name the file, the line and the list.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from eligibility.ask import ask
from eligibility.ask.cues import alternation, cues_of, word_pattern
from eligibility.matcher import Matcher
from fakes.kb import copied_kb as _copy
from fakes.kb import kb_problems as _problems
from fakes.kb import line_of as _line
from knowledge.loader import load_knowledge_base
from knowledge.models import KnowledgeBase

QUESTIONS = Path("vocabulary") / "questions.yaml"




@pytest.mark.parametrize(("word", "hits", "misses"), [
    ("封顶", ["最高封顶多少"], []),
    ("cap*", ["is it capped", "a cap"], ["escape"]),
    ("*national*", ["international awards", "national"], ["nation"]),
    ("at most", ["at most 3"], ["that mostly"]),
    ("，", ["a，b"], []),
])
def test_a_cue_word_matches_whole_english_words_and_chinese_anywhere(word: str, hits: list[str],
                                                                     misses: list[str]) -> None:
    pattern = re.compile(word_pattern(word))
    assert all(pattern.search(t) for t in hits)
    assert not any(pattern.search(t) for t in misses)


def test_an_empty_list_matches_nothing_not_everything() -> None:
    assert re.search(alternation([]), "anything") is None


def test_the_question_forms_are_compiled_once_per_knowledge_base(kb: KnowledgeBase) -> None:
    assert cues_of(kb) is cues_of(kb)


def test_a_new_yes_no_word_is_a_yaml_edit(tmp_path: Path) -> None:
    """"银奖是30万，对吧" asks with 对吧; take 吧 and 对吧 out of questions.yaml and the same question is no
    longer read as yes/no: the words, not the code, decide."""
    question = "中国专利奖银奖是30万，对吧"
    kb = load_knowledge_base()
    assert ask(Matcher(kb), question).yes_no
    root = _copy(tmp_path)
    path = root / QUESTIONS
    text = path.read_text(encoding="utf-8")
    text = text.replace("question_particles: [吗, 吧, 么, 嘛]", "question_particles: [吗, 么, 嘛]")
    text = text.replace("confirm: [是不是, 对吗, 对吧, 对不对, 是吧]", "confirm: [是不是, 对吗, 对不对, 是吧]")
    text = text.replace("yes_no_phrases: [是不是, 对吗, 对吧,", "yes_no_phrases: [是不是, 对吗,")
    path.write_text(text, encoding="utf-8")
    edited = load_knowledge_base(root)
    assert not ask(Matcher(edited), question).yes_no


def test_a_bad_cue_word_names_the_file_the_line_and_the_list(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    path = root / QUESTIONS
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("how: [怎么, 怎样, 如何, 咋]", "how: [怎么, 怎*样, 如何, 咋]"), encoding="utf-8")
    problems = _problems(root)
    assert any(f"vocabulary/questions.yaml:{_line(path, 'how: [')}: how[1]" in p and "'*'" in p for p in problems), \
        problems


def test_a_word_twice_in_one_list_is_named(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    path = root / QUESTIONS
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("how: [怎么, 怎样, 如何, 咋]", "how: [怎么, 怎样, 如何, 怎么]"), encoding="utf-8")
    problems = _problems(root)
    assert any("questions.yaml" in p and "how[3]" in p and "already in how" in p for p in problems), problems


def test_a_missing_list_is_reported_not_silently_empty(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    path = root / QUESTIONS
    lines = [x for x in path.read_text(encoding="utf-8").splitlines() if not x.startswith("how: [")]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = _problems(root)
    assert any("questions.yaml" in p and "how" in p and "required" in p.lower() for p in problems), problems


def test_the_questions_file_is_required(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    (root / QUESTIONS).unlink()
    assert any("questions.yaml" in p and "missing" in p for p in _problems(root))
