"""The words the language layer reads are data (audit G13): each list in the vocabulary YAML, loader-validated,
a bad entry named by file, line and path; and the layer reads them from there, not from code."""

from __future__ import annotations

from pathlib import Path

import pytest

from eligibility.language import understand
from eligibility.language.lexicon import lexicon
from fakes.kb import copied_kb as _copy
from fakes.kb import kb_problems as _problems
from fakes.kb import line_of as _line
from knowledge.models import KnowledgeBase


def test_a_particle_of_two_characters_names_file_line_and_path(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    path = root / "vocabulary" / "polarity.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("particles: [啊, 呀,", "particles: [啊啊, 呀,", 1),
                    encoding="utf-8")
    where = f"vocabulary/polarity.yaml:{_line(path, 'particles: [啊啊')}: particles[0]"
    assert any(where in p for p in _problems(root)), _problems(root)


def test_a_numeral_range_of_three_numerals_is_reported(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    path = root / "vocabulary" / "figures.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("numeral_ranges: [一二,", "numeral_ranges: [一二三,", 1),
                    encoding="utf-8")
    assert any("figures.yaml" in p and "numeral_ranges[0]" in p for p in _problems(root))


def test_other_levels_need_both_lists(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    path = root / "vocabulary" / "polarity.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  titles: [知识产权优势企业")
    end = text.index("]", text.index('"service brand agency"')) + 1
    path.write_text(text[:start] + "  titles: []" + text[end:], encoding="utf-8")
    assert any("polarity.yaml" in p and "other_levels" in p for p in _problems(root))


def test_the_moved_words_come_from_the_vocabulary(kb: KnowledgeBase) -> None:
    lex = lexicon(kb)
    v = kb.vocabulary
    assert lex.particles == "".join(v.polarity.particles) if v.polarity else False
    assert set(v.applicants.payers) and set(v.applicants.refunds) and v.applicants.dealt_with
    assert "培育单位" in (v.polarity.pending if v.polarity else [])
    assert lex.lead_adverbs >= {"", "还", "去年"}
    assert lex.ordinal.search("第二期的融资额") is not None


@pytest.mark.parametrize(("text", "fact"), [
    ("银行给我们返了10万，利息付了60万", "pledge_loan_interest_paid_yuan"),  # a refund: whose actual payment, asked
    ("利息40万是老板个人付的", "pledge_loan_interest_paid_yuan"),  # a payer of its own
])
def test_refunds_and_payers_still_ask_whose_figure(kb: KnowledgeBase, text: str, fact: str) -> None:
    r = understand(kb, text)
    assert fact not in r.facts
