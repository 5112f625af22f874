"""The `ipbot` command: assess profiles, check the knowledge base, ask, chat, run the bot.

Exit codes: 0 success, 2 bad input (a profile, a file, the knowledge base) with a message that
names what is wrong; never a traceback for the user's mistakes.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO, TextIO

import yaml

from bot import ask_cli, helpdesk_cli
from bot.present.i18n import Catalog
from bot.present.report import Renderer
from bot.settings import Settings
from eligibility.errors import ProfileError
from eligibility.evaluate import assess, policy_validity
from eligibility.profile import parse_as_of, validate_facts
from eligibility.results import Assessment, Validity
from knowledge.errors import IpbotError
from knowledge.loader import KnowledgeBaseError, load_knowledge_base, safe_load
from knowledge.models import KnowledgeBase, Lang
from knowledge.yaml_io import FileRefused, describe, read_regular_file

MAX_PROFILE_BYTES = 1 << 20  # 1 MiB
MAX_BATCH_LINE_BYTES = 100 << 10  # 100 KiB


class UsageError(IpbotError):
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
        raw = read_regular_file(path, MAX_PROFILE_BYTES).decode("utf-8")
    except FileRefused as exc:
        raise UsageError(f"{exc}; is this really a profile?") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not UTF-8 text") from None
    try:
        return safe_load(raw)
    except yaml.YAMLError as exc:
        raise UsageError(f"{path}: not valid YAML or JSON: {describe(exc)}") from None


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
    if args.batch and Path(args.batch).suffix.lower() in SHEET_SUFFIXES:
        return _assess_sheet(ctx, args, today, lang, out)
    if args.output:
        raise UsageError("-o/--output is for a batch sheet (--batch FILE.xlsx or FILE.csv)")
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


SHEET_SUFFIXES = (".xlsx", ".xlsm", ".csv")


def _assess_sheet(ctx: Context, args: argparse.Namespace, today: date, lang: Lang, out: TextIO) -> int:
    """An agency register (xlsx/csv) assessed into a results workbook (bot.agency.batch)."""
    from bot.agency.batch import run_batch
    from bot.agency.sheets import SheetError

    if not args.output:
        raise UsageError("give the results workbook: --batch FILE.xlsx -o RESULT.xlsx")
    src, dst = Path(args.batch), Path(args.output)
    if dst.suffix.lower() != ".xlsx":
        raise UsageError(f"{dst}: the results are written as an .xlsx workbook")
    if not src.is_file():
        raise UsageError(f"{src}: no such file")
    try:
        stats = run_batch(ctx.kb, ctx.catalog, ctx.validity, src, dst, today, lang)
    except SheetError as exc:
        raise UsageError(str(exc)) from None
    out.write(f"{stats.assessed} of {stats.rows} rows assessed, {stats.errors} problem(s) listed on the errors "
              f"sheet: {dst}\n")
    return 2 if stats.errors or stats.not_assessed else 0


def cmd_template(ctx: Context, args: argparse.Namespace, out: TextIO) -> int:
    from bot.agency.template import write_template

    dst = Path(args.output)
    if dst.suffix.lower() != ".xlsx":
        raise UsageError(f"{dst}: the template is written as an .xlsx workbook")
    write_template(ctx.kb, ctx.catalog, dst, args.lang)
    out.write(f"template written: {dst}\n")
    return 0


def cmd_notify(ctx: Context, args: argparse.Namespace, out: TextIO) -> int:
    """Policy-change notices for the knowledge base loaded now (bot.agency.notifier)."""
    import asyncio

    return asyncio.run(_notify(ctx, args.dry_run, out))


async def _notify(ctx: Context, dry_run: bool, out: TextIO) -> int:
    import aiohttp

    from bot.agency.kb_version import kb_version
    from bot.agency.notifier import dry_run_lines, notify, plan
    from bot.agency.subscriptions import Subscriptions
    from bot.agency.telegram_notify import BotApiSender

    s = ctx.settings
    version = kb_version(s.kb_dir)
    subs = Subscriptions(s.store_url(), id_secret=s.id_secret())
    try:
        if dry_run:
            p = await plan(subs, ctx.kb, ctx.validity, ctx.catalog, version)
            out.write("\n".join(dry_run_lines(p, ctx.catalog)) + "\n")
            return 0
        if s.telegram_bot_token is None or not s.telegram_bot_token.get_secret_value():
            raise UsageError("TELEGRAM_BOT_TOKEN is not set (use --dry-run to list who would be told)")
        async with aiohttp.ClientSession() as session:
            send = BotApiSender(session, s.telegram_bot_token.get_secret_value(),
                                s.telegram_api_base_url or "https://api.telegram.org/bot")
            r = await notify(subs, ctx.kb, ctx.validity, ctx.catalog, version, send,
                             rate=min(s.overall_rate_limit or 25.0, 25.0))
        out.write(f"knowledge base {version}: {r.sent} told, {r.unchanged} unchanged, {r.refused} refused, "
                  f"{r.postponed} postponed, {r.uncertain} uncertain, {r.unreadable} not comparable\n")
        return 0
    finally:
        await subs.close()


def _assess_batch(ctx: Context, path: Path, today: date, lang: Lang, out: TextIO) -> int:
    """One JSON result per input line, in order; a bad line gets an error object and we go on.

    Lines are read as bytes and decoded one by one, so invalid UTF-8, a 5,000-digit number or
    30,000-deep nesting on one line costs that line only.
    """
    failures = 0
    try:
        handle = path.open("rb") if str(path) != "-" else sys.stdin.buffer
    except OSError as exc:
        raise UsageError(f"{path}: cannot read ({exc.strerror or exc})") from None
    with handle:
        for lineno, raw in enumerate(_bounded_lines(handle, MAX_BATCH_LINE_BYTES), start=1):
            if raw is not None and not raw.strip():
                continue
            try:
                result = assess_profile(ctx, _json_line(raw), today, lang)
            except ProfileError as exc:
                failures += 1
                sys.stderr.write(f"{path}:{lineno}: {exc}\n")
                result = {"line": lineno, "error": str(exc)}
            out.write(json.dumps(result, ensure_ascii=False) + "\n")
            out.flush()
    return 2 if failures else 0


def _bounded_lines(handle: BinaryIO, limit: int) -> Iterator[bytes | None]:
    """The lines of a binary stream; ``None`` for a line longer than ``limit`` (skipped, never held whole)."""
    while True:
        line = handle.readline(limit + 1)
        if not line:
            return
        if len(line) > limit and not line.endswith(b"\n"):
            while (rest := handle.readline(limit + 1)) and not rest.endswith(b"\n"):
                pass
            yield None
            continue
        yield line


def _json_line(raw: bytes | None) -> Any:
    """One batch line parsed, or ProfileError saying what is wrong with it."""
    if raw is None:
        raise ProfileError(f"line longer than {MAX_BATCH_LINE_BYTES} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProfileError(f"not UTF-8 text (byte {exc.start + 1} of the line)") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ProfileError(f"not valid JSON: {exc.msg} at column {exc.colno}") from None
    except RecursionError:
        raise ProfileError("nested too deeply") from None
    except ValueError:  # Python converts integers of at most 4,300 digits
        raise ProfileError("not usable JSON: a number with thousands of digits") from None


def cmd_kb_check(settings: Settings, args: argparse.Namespace, out: TextIO) -> int:
    root = Path(args.dir) if args.dir else settings.kb_dir
    try:
        kb = load_knowledge_base(root)
    except KnowledgeBaseError as exc:
        for p in exc.problems:
            sys.stderr.write(f"{p}\n")
        sys.stderr.write(f"{len(exc.problems)} problem(s) in the knowledge base\n")
        return 2
    n_money = sum(1 for b in kb.benefits if b.award.mode in ("conditional", "competitive"))
    n_supported = sum(1 for b in kb.benefits if b.award.mode == "supported")
    out.write(f"knowledge base OK: {len(kb.benefits)} entries ({n_money} with money, {n_supported} supported "
              "without a set amount), "
              f"{len(kb.facts)} facts, {len(kb.policy.clauses)} clauses\n")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="ipbot", description="Shijiazhuang IP-policy subsidy assistant")
    sub = p.add_subparsers(dest="command", required=True)
    a = sub.add_parser("assess", help="assess a profile (YAML or JSON) against every benefit")
    a.add_argument("profile", nargs="?", help="profile file")
    a.add_argument("--json", action="store_true", help="print the JSON result contract")
    a.add_argument("--batch", metavar="FILE",
                   help="JSON Lines file of profiles ('-' for stdin), or an agency sheet (.xlsx, .csv) with -o")
    a.add_argument("-o", "--output", metavar="RESULT.xlsx", help="the results workbook of a batch sheet")
    a.add_argument("--lang", choices=["zh", "en"], default="zh")
    kb = sub.add_parser("kb", help="knowledge-base tools")
    kb_sub = kb.add_subparsers(dest="kb_command", required=True)
    chk = kb_sub.add_parser("check", help="validate the knowledge base")
    chk.add_argument("dir", nargs="?", help="knowledge base directory (default: the packaged one)")
    tpl = sub.add_parser("template", help="write the Excel template for batch assessment")
    tpl.add_argument("-o", "--output", required=True, metavar="FILE.xlsx", help="where to write the template")
    tpl.add_argument("--lang", choices=["zh", "en"], default="zh")
    nt = sub.add_parser("notify", help="tell subscribers whose results the current knowledge base changes")
    nt.add_argument("--dry-run", action="store_true", help="list who would be told what (users by a hash)")
    ask_cli.add_parser(sub)
    helpdesk_cli.add_parser(sub)
    chat = sub.add_parser("chat", help="the self-assessment chat in this terminal (a fresh session)")
    chat.add_argument("--resume", action="store_true", help="continue the last session on this account")
    sub.add_parser("run", help="run the bot: Telegram if TELEGRAM_BOT_TOKEN is set, else the console chat; "
                              "with WEB_PORT also the web page")
    w = sub.add_parser("web", help="serve the mobile web page (and Telegram Mini App) over the same dialog")
    w.add_argument("--port", type=int, help="port (default WEB_PORT, else 8080)")
    w.add_argument("--host", help="address to listen on (default WEB_LISTEN)")
    return p


def cmd_chat(settings: Settings, *, resume: bool = False) -> int:
    from bot.channels.console import run_console
    from bot.services import Conversations, build_runtime

    engine = build_runtime(settings)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return run_console(settings.store_url(), lambda store: Conversations(engine, store), resume=resume)


def cmd_web(settings: Settings, args: argparse.Namespace) -> int:
    from bot.channels.web.run import run_web

    return run_web(settings, port=args.port, host=args.host)


def cmd_run(settings: Settings) -> int:
    has_token = settings.telegram_bot_token is not None and bool(settings.telegram_bot_token.get_secret_value())
    if settings.web_port is not None:
        from bot.channels.web.run import run_web, start_web_thread

        if not has_token:  # the web page alone
            return run_web(settings)
        start_web_thread(settings)  # beside Telegram
    if not has_token:
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
        if args.command == "web":
            return cmd_web(settings, args)
        ctx = Context(settings)
        if args.command == "assess":
            return cmd_assess(ctx, args, out)
        if args.command == "notify":
            return cmd_notify(ctx, args, out)
        if args.command == "template":
            return cmd_template(ctx, args, out)
        if args.command == "ask":
            return ask_cli.run(ctx, args, out)
        if args.command == "helpdesk":
            return helpdesk_cli.run(ctx, args, out)
    except KnowledgeBaseError as exc:
        sys.stderr.write(f"the knowledge base is invalid:\n{exc}\n")
        return 2
    except IpbotError as exc:  # a usage error; the settings that cannot run the bot (``run``): one line
        sys.stderr.write(f"ipbot: {exc}\n")
        return 2
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
