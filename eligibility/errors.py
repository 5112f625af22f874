"""Domain errors of the engine, turned into friendly replies or exit code 2 at the edge.

EligibilityError
├── ProfileError        a profile is malformed: unknown fact, wrong type, impossible value
└── AnswerError         a typed answer does not fit the question (the dialog re-asks)
"""

from __future__ import annotations


class EligibilityError(Exception):
    """Base of every error the engine raises on purpose."""


class ProfileError(EligibilityError):
    """A profile cannot be assessed; ``fact`` names the offending fact when there is one."""

    def __init__(self, message: str, fact: str | None = None) -> None:
        self.fact = fact
        super().__init__(f"{fact}: {message}" if fact else message)


class AnswerError(EligibilityError):
    """A typed answer could not be understood for the question asked."""

    def __init__(self, fact: str, text: str) -> None:
        self.fact = fact
        self.text = text
        super().__init__(f"cannot read {text!r} as an answer for {fact}")
