"""The `ipbot` command: assess profiles, check the knowledge base, ask, chat, run the bot.

Exit codes: 0 success, 2 bad input (a profile, a file, the knowledge base) with a message that
names what is wrong; never a traceback for the user's mistakes.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from bot import ask_cli
from bot.present.i18n import Catalog
from bot.present.report import Renderer
from bot.settings import Settings
from eligibility.errors import ProfileError
from eligibility.evaluate import assess, policy_validity
from eligibility.profile import parse_as_of, validate_facts
from eligibility.results import Assessment, Validity
from knowledge.loader import KnowledgeBaseError, load_knowledge_base, safe_load
from knowledge.models import KnowledgeBase, Lang

MAX_PROFILE_BYTES = 1 << 20  # 1 MiB
MAX_BATCH_LINE_BYTES = 100 << 10  # 100 KiB


class UsageError(Exception):
    """Bad input on the command line: printed as one line, exit code 2."""


class Context:
    """What every command needs, built once from the settings."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.kb: KnowledgeBase = load_knowledge_base(settings.kb_dir)
        self.catalog = Catalog.load()
        self.renderer = Renderer(self.kb, self.catalog)
        self.validity: Validity = policy_validity(self.kb, settings.policy_published_on)


def _read_profile_file(path: Path) -> Any:
    try:
        if path.stat().st_size > MAX_PROFILE_BYTES:
            raise UsageError(f"{path}: larger than {MAX_PROFILE_BYTES} bytes; is this really a profile?")
        raw = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{path}: cannot read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not UTF-8 text") from None
    try:
        return safe_load(raw)
    except Exception as exc:  # yaml errors carry positions in their text
        raise UsageError(f"{path}: not valid YAML or JSON: {exc}".splitlines()[0]) from None


def assess_data(ctx: Context, data: Any, today: date) -> Assessment:
    """One profile (already parsed) assessed; ProfileError on bad content."""
    if not isinstance(data, dict):
        raise ProfileError("a profile is a mapping with 'as_of' and 'facts'")
    unknown = set(data) - {"as_of", "facts", "name", "id"}
    if unknown:
        raise ProfileError(f"unknown top-level keys {sorted(unknown)}; expected as_of and facts")
    as_of = parse_as_of(data.get("as_of"), today)
    raw_facts = data.get("facts") or {}
    if not isinstance(raw_facts, dict):
        raise ProfileError("'facts' must be a mapping of fact id to value")
    return assess(ctx.kb, validate_facts(ctx.kb, raw_facts), as_of, ctx.validity)


def assess_profile(ctx: Context, data: Any, today: date, lang: Lang) -> dict[str, Any]:
    """One profile (already parsed) to the JSON contract; ProfileError on bad content."""
    result = ctx.renderer.to_json(assess_data(ctx, data, today), lang)
    if isinstance(data, dict) and "id" in data:
        result = {"id": data["id"], **result}
    return result


def cmd_assess(ctx: Context, args: argparse.Namespace, out: TextIO) -> int:
    lang: Lang = args.lang
    today = date.today()
    if args.batch:
        return _assess_batch(ctx, Path(args.batch), today, lang, out)
    if not args.profile:
        raise UsageError("give a profile file, or --batch FILE.jsonl")
    data = _read_profile_file(Path(args.profile))
    try:
        a = assess_data(ctx, data, today)
    except ProfileError as exc:
        raise UsageError(f"{args.profile}: {exc}") from None
    if args.json:
        out.write(json.dumps(ctx.renderer.to_json(a, lang), ensure_ascii=False, indent=2) + "\n")
    else:
        out.write(ctx.renderer.report(a, lang) + "\n")
    return 0


def _assess_batch(ctx: Context, path: Path, today: date, lang: Lang, out: TextIO) -> int:
    """One JSON result per input line, in order; a bad line gets an error object and we go on."""
    failures = 0
    try:
        handle = path.open(encoding="utf-8") if str(path) != "-" else sys.stdin
    except OSError as exc:
        raise UsageError(f"{path}: cannot read ({exc.strerror or exc})") from None
    with handle:
        for lineno, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                if len(line) > MAX_BATCH_LINE_BYTES:
                    raise ProfileError(f"line longer than {MAX_BATCH_LINE_BYTES} bytes")
                try:
                    data = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ProfileError(f"not valid JSON: {exc.msg} at column {exc.colno}") from None
                result = assess_profile(ctx, data, today, lang)
            except (ProfileError, UnicodeDecodeError) as exc:
                failures += 1
                sys.stderr.write(f"{path}:{lineno}: {exc}\n")
                result = {"line": lineno, "error": str(exc)}
            out.write(json.dumps(result, ensure_ascii=False) + "\n")
    return 2 if failures else 0


def cmd_kb_check(settings: Settings, args: argparse.Namespace, out: TextIO) -> int:
    root = Path(args.dir) if args.dir else settings.kb_dir
    try:
        kb = load_knowledge_base(root)
    except KnowledgeBaseError as exc:
        for p in exc.problems:
            sys.stderr.write(f"{p}\n")
        sys.stderr.write(f"{len(exc.problems)} problem(s) in the knowledge base\n")
        return 2
    n_money = sum(1 for b in kb.benefits if not b.is_info)
    out.write(f"knowledge base OK: {len(kb.benefits)} entries ({n_money} with money), "
              f"{len(kb.facts)} facts, {len(kb.policy.clauses)} clauses\n")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="ipbot", description="Shijiazhuang IP-policy subsidy assistant")
    sub = p.add_subparsers(dest="command", required=True)
    a = sub.add_parser("assess", help="assess a profile (YAML or JSON) against every benefit")
    a.add_argument("profile", nargs="?", help="profile file")
    a.add_argument("--json", action="store_true", help="print the JSON result contract")
    a.add_argument("--batch", metavar="FILE", help="JSON Lines file of profiles ('-' for stdin)")
    a.add_argument("--lang", choices=["zh", "en"], default="zh")
    kb = sub.add_parser("kb", help="knowledge-base tools")
    kb_sub = kb.add_subparsers(dest="kb_command", required=True)
    chk = kb_sub.add_parser("check", help="validate the knowledge base")
    chk.add_argument("dir", nargs="?", help="knowledge base directory (default: the packaged one)")
    ask_cli.add_parser(sub)
    chat = sub.add_parser("chat", help="the self-assessment chat in this terminal (a fresh session)")
    chat.add_argument("--resume", action="store_true", help="continue the last session on this account")
    sub.add_parser("run", help="run the bot: Telegram if TELEGRAM_BOT_TOKEN is set, else the console chat")
    return p


def cmd_chat(settings: Settings, *, resume: bool = False) -> int:
    from bot.channels.console import run_console
    from bot.services import Conversations, build_runtime

    engine = build_runtime(settings)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return run_console(settings.store_url(), lambda store: Conversations(engine, store), resume=resume)


def cmd_run(settings: Settings) -> int:
    if settings.telegram_bot_token is None or not settings.telegram_bot_token.get_secret_value():
        if not sys.stdin.isatty():
            # In a container or a pipe, say why this is not the Telegram bot.
            sys.stderr.write("ipbot: TELEGRAM_BOT_TOKEN is not set: running the console chat on standard input\n")
        return cmd_chat(settings)
    from bot.channels.telegram.app import run_telegram

    return run_telegram(settings)


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    args = build_parser().parse_args(argv)
    settings = Settings()
    try:
        if args.command == "kb":
            return cmd_kb_check(settings, args, out)
        if args.command == "chat":
            return cmd_chat(settings, resume=args.resume)
        if args.command == "run":
            return cmd_run(settings)
        ctx = Context(settings)
        if args.command == "assess":
            return cmd_assess(ctx, args, out)
        if args.command == "ask":
            return ask_cli.run(ctx, args, out)
    except KnowledgeBaseError as exc:
        sys.stderr.write(f"the knowledge base is invalid:\n{exc}\n")
        return 2
    except UsageError as exc:
        sys.stderr.write(f"ipbot: {exc}\n")
        return 2
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
