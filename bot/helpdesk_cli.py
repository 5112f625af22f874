"""`ipbot helpdesk "TEXT" [--lang zh|en] [--json]`: what a forward to the Telegram bot gives, as a command.

With no TEXT it reads one customer message per stdin line (plain text, or a JSON object
``{"message": "...", "lang": "zh|en"}``) and writes one JSON object per line:
``{"message", "facts", "refs", "assessment", "paste", "ask_customer", "confidence"}``. A bad line
gets ``{"line", "error"}`` and the rest go on; the exit code is then 2. A blank line gets
``{"line", "error": "empty line"}`` too (it is no failure), so output line N always answers input line N.
Stdin is read as bytes and decoded line by line: a line that is not UTF-8 is such a bad line, never echoed,
so the output is always valid UTF-8.
"""

from __future__ import annotations

import argparse
import html
import json
import re
from datetime import date
from typing import Any, Protocol, TextIO

from bot.ask_cli import clean_argument, numbered_lines, valid_text
from bot.dialog.helpdesk import HelpDesk
from bot.present.i18n import Catalog
from bot.present.report import Renderer
from eligibility.results import Validity
from knowledge.models import KnowledgeBase, Lang

EMPTY_LINE = "empty line"


class HelpDeskContext(Protocol):
    """What `run` needs from bot.cli's Context."""

    kb: KnowledgeBase
    catalog: Catalog
    renderer: Renderer
    validity: Validity


def add_parser(sub: Any) -> None:
    """Register the `helpdesk` subcommand on the parent's subparsers."""
    p = sub.add_parser("helpdesk", help="a customer's message as staff would forward it: the paste and the notes")
    p.add_argument("text", nargs="*", help="the customer's message; none: one message a line from stdin")
    p.add_argument("--lang", choices=["zh", "en"], default=None, help="the staff's language (default zh)")
    p.add_argument("--json", action="store_true", help="print the JSON contract (always for stdin batches)")


def run(ctx: HelpDeskContext, args: argparse.Namespace, out: TextIO, today: date | None = None) -> int:
    desk = HelpDesk(ctx.kb, ctx.renderer, ctx.validity)
    day = today or date.today()
    staff: Lang = args.lang or "zh"
    if args.text:
        message = clean_argument(" ".join(args.text))
        f = desk.forward(message, staff, day)
        if args.json:
            out.write(json.dumps(desk.to_json(f, staff), ensure_ascii=False, indent=2) + "\n")
        else:
            notes = "\n".join(desk.notes(f, staff, copyable=True))
            out.write(f.paste + "\n\n" + html.unescape(re.sub(r"<[^>]+>", "", notes)) + "\n")
        return 0
    bad = False
    for number, text, error in numbered_lines():
        if text is None:  # not UTF-8: reported, never echoed, and the batch goes on
            bad = True
            out.write(json.dumps({"line": number, "error": error}, ensure_ascii=False) + "\n")
            continue
        line = text.strip()
        if not line:
            out.write(json.dumps({"line": number, "error": EMPTY_LINE}, ensure_ascii=False) + "\n")
            continue
        try:
            message, lang = _parse_line(line, staff)
        except ValueError as exc:
            bad = True
            out.write(json.dumps({"line": number, "error": str(exc)}, ensure_ascii=False) + "\n")
            continue
        f = desk.forward(message, lang, day)
        out.write(json.dumps(desk.to_json(f, lang), ensure_ascii=False) + "\n")
    return 2 if bad else 0


def _parse_line(line: str, staff: Lang) -> tuple[str, Lang]:
    """A plain message, or ``{"message": ..., "lang": ...}``; ValueError says what is wrong."""
    if not line.startswith("{"):
        return line, staff
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON: {exc.msg}") from None
    message = data.get("message") if isinstance(data, dict) else None
    if not isinstance(message, str) or not message.strip():
        raise ValueError('a JSON line needs "message" as non-empty text')
    if not valid_text(message):  # "\ud800" escaped in the JSON: no text that UTF-8 can hold
        raise ValueError('"message" is not valid Unicode text')
    lang = data.get("lang", staff)
    if lang not in ("zh", "en"):
        raise ValueError('"lang" must be "zh" or "en"')
    return message, lang
