"""Facts a person states in free text ("我们是生物医药企业，去年拿了专利银奖，质押贷款付息80万").

A thin view of ``eligibility.language.understand`` for volunteered answers and help-desk forwards:
only the facts it is sure of (what it is unsure of, it asks about: see ``Reading.clarify``).
"""

from __future__ import annotations

from typing import cast

from eligibility.language import understand
from eligibility.results import Facts
from knowledge.models import KnowledgeBase


def extract_facts(kb: KnowledgeBase, text: str) -> Facts:
    """Facts stated in the text; nothing is guessed from what the text leaves out."""
    return cast(Facts, dict(understand(kb, text).facts))
