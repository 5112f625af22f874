"""The language layer: one message -> facts, figures, intents, corrections, or a question back.

Pure (no I/O, no clock); its words are data (knowledge/data/vocabulary/*.yaml, places.yaml),
compiled once per knowledge base (``lexicon``). Every path that reads user text goes through
``understand``; ``eligibility.answers.read_answer`` and ``eligibility.extract.extract_facts`` are views of it.

    lexicon.py   the vocabulary compiled and indexed        terms.py     one-pass term scanning
    clauses.py   a message cut into clauses, with hits      polarity.py  yes / no / none / not sure / hedges
    intents.py   commands typed ("测评", "人工", "上一题")    places.py    the registration place -> in_city
    applicants.py  descriptions -> entity_type              mentions.py  facts named in words
    figures.py   which number is whose amount (or none)     understand.py  the reading of one message

Measured on this machine (bench/understand_bench.py on the dev corpus, branch lang2, 2 shared cores): about
0.2 ms per message at the median and 0.8–0.9 ms at the 99th percentile.
"""

from eligibility.language.model import Clarify, FactValue, Figure, Note, Reading
from eligibility.language.understand import understand

__all__ = ["Clarify", "FactValue", "Figure", "Note", "Reading", "understand"]
