"""`ipbot ask "TEXT" [--lang zh|en] [--json]`: answer one question, or one per line from stdin.

With no TEXT it reads questions from standard input, one a line (help-desk batches), and writes
one result a line: JSON objects with --json, otherwise the answer with its line breaks shown as " | ".
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from typing import Any, Protocol, TextIO

from bot.present.answer import AnswerRenderer
from bot.present.i18n import Catalog
from eligibility.ask import AskResult, ask
from eligibility.matcher import Matcher
from eligibility.results import Validity
from knowledge.models import KnowledgeBase, Lang

MAX_QUESTION_CHARS = 2000  # a question longer than this is cut: nobody asks in a novel


class AskContext(Protocol):
    """What `run` needs from bot.cli's Context."""

    kb: KnowledgeBase
    catalog: Catalog


def add_parser(sub: Any) -> None:
    """Register the `ask` subcommand on the parent's subparsers."""
    p = sub.add_parser("ask", help="answer a free-text question about the policy")
    p.add_argument("text", nargs="*", help="the question; none: read one question a line from stdin")
    p.add_argument("--lang", choices=["zh", "en"], default=None,
                   help="answer language (default: the language of the question)")
    p.add_argument("--json", action="store_true", help="print the JSON result contract")


def run(ctx: AskContext, args: argparse.Namespace, out: TextIO) -> int:
    matcher = Matcher(ctx.kb)
    validity: Validity | None = getattr(ctx, "validity", None)
    answers = AnswerRenderer(ctx.kb, ctx.catalog, validity=validity)
    lang: Lang | None = args.lang
    today = date.today()

    def one(question: str) -> tuple[AskResult, bool]:
        complaint = answers.is_complaint(question)  # a complaint's digits are not the user's amounts
        return ask(matcher, question, use_figures=not complaint, today=today, validity=answers.validity), complaint

    if args.text:
        result, complaint = one(" ".join(args.text)[:MAX_QUESTION_CHARS])
        if args.json:
            out.write(json.dumps(answers.to_json(result, lang, complaint=complaint), ensure_ascii=False, indent=2)
                      + "\n")
        else:
            out.write(answers.render(result, lang, complaint=complaint) + "\n")
        return 0
    for line in sys.stdin:
        question = line.strip()[:MAX_QUESTION_CHARS]
        if not question:
            continue
        result, complaint = one(question)
        if args.json:
            out.write(json.dumps(answers.to_json(result, lang, complaint=complaint), ensure_ascii=False) + "\n")
        else:
            out.write(answers.render(result, lang, complaint=complaint).replace("\n", " | ") + "\n")
    return 0
