"""The language layer: one message -> facts, figures, intents, corrections, or a question back.

Pure (no I/O, no clock); its words are data (knowledge/data/vocabulary/*.yaml, places.yaml),
compiled once per knowledge base. Every path that reads user text goes through ``understand``.
"""

from eligibility.language.model import Clarify, FactValue, Figure, Note, Reading
from eligibility.language.understand import understand

__all__ = ["Clarify", "FactValue", "Figure", "Note", "Reading", "understand"]
