"""Whose money a figure is: the role a user's words give it (an originator's issue, a share of the interest)."""

from __future__ import annotations

import pytest

from eligibility.ask import ask
from eligibility.matcher import Matcher


@pytest.mark.parametrize("question", [
    "we issued an IP ABS of 300 million last year",
    "we issued IP asset-backed securities of 500 million",
])
def test_issuing_an_abs_in_english_is_the_securitisation_originator(matcher: Matcher, question: str) -> None:
    result = ask(matcher, question)
    assert result.best is not None and result.best.id == "securitization_originator"
    assert result.amount is not None and result.amount.max == 2_000_000  # 2% capped at 2 million an issue


def test_a_bare_issued_still_asks_about_the_policy(matcher: Matcher) -> None:
    result = ask(matcher, "when was it issued")
    assert result.best is not None and result.best.id == "validity_and_implementation"
