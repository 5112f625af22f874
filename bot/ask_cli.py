"""`ipbot ask "TEXT" [--lang zh|en] [--json]`: answer one question, or one per line from stdin.

With no TEXT it reads questions from standard input, one a line (help-desk batches), and writes
one result a line: JSON objects with --json, otherwise the answer with its line breaks shown as " | ".
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, Protocol, TextIO

from bot.present.answer import AnswerRenderer
from bot.present.i18n import Catalog
from eligibility.ask import ask
from eligibility.matcher import Matcher
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
    answers = AnswerRenderer(ctx.kb, ctx.catalog)
    lang: Lang | None = args.lang
    if args.text:
        question = " ".join(args.text)[:MAX_QUESTION_CHARS]
        result = ask(matcher, question)
        if args.json:
            out.write(json.dumps(answers.to_json(result, lang), ensure_ascii=False, indent=2) + "\n")
        else:
            out.write(answers.render(result, lang) + "\n")
        return 0
    for line in sys.stdin:
        question = line.strip()[:MAX_QUESTION_CHARS]
        if not question:
            continue
        result = ask(matcher, question)
        if args.json:
            out.write(json.dumps(answers.to_json(result, lang), ensure_ascii=False) + "\n")
        else:
            out.write(answers.render(result, lang).replace("\n", " | ") + "\n")
    return 0
