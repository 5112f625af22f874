"""Domain errors of the engine, turned into friendly replies or exit code 2 at the edge.

Their place in the one error tree is drawn in :mod:`knowledge.errors`.
"""

from __future__ import annotations

from knowledge.errors import IpbotError


class EligibilityError(IpbotError):
    """Base of every error the engine raises on purpose."""


class ProfileError(EligibilityError):
    """A profile cannot be assessed; ``fact`` names the offending fact when there is one."""

    def __init__(self, message: str, fact: str | None = None) -> None:
        self.fact = fact
        super().__init__(f"{fact}: {message}" if fact else message)
