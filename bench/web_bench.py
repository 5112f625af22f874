"""Web page benchmark: Lighthouse's mobile audit, the first page's weight, and server time per turn.

    python -m bench.web_bench [--chats 120] [--no-lighthouse] [--json]

* **Server time per turn**: the chats of the load benchmark (the 40 profiles of bench/profiles.yaml,
  by buttons, by typing and alternately: ``bench.load_bench.build_script``) replayed over HTTP
  against the web channel on 127.0.0.1 (SQLite store in a temporary directory), each turn a
  ``POST /turn`` as the page's forms send it. The time is the server's own (the middleware's
  per-request measurement: form parsing, CSRF, store load and save, dialog, HTML). Same-run
  baselines on the same inputs: the dialog core alone (``Dialog.handle``) and the dialog with the
  store (``Conversations.turn``, what every channel pays). Target: the web layer adds <= 1 ms at
  the median over the dialog core alone.
* **First page**: bytes of the HTML, stylesheet and script a new visitor's phone downloads (no
  other request is made). Target <= 60 KB.
* **Lighthouse** 12 (npm, pinned), mobile preset (its default: a mid-range phone, simulated slow 4G
  and 4x CPU slowdown), on Debian's Chromium: the first page and a finished result page. Targets:
  performance, accessibility and best practices each >= 95.

Every chat's last page is checked: its stored facts must equal the dialog core's alone.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from bench.load_bench import FREE_QUESTIONS, STYLES, Script, build_script, engine_baseline, load_profiles
from bot.channels.web.server import SID_COOKIE, WebChannel, WebConfig, build_web_app, china_today
from bot.dialog.model import ButtonInput, CommandInput, Input, TextInput
from bot.services import Conversations, PolicyRuntime, build_runtime
from bot.settings import Settings
from bot.storage.factory import open_store

ROOT = Path(__file__).resolve().parents[1]
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = os.environ.get("IPBOT_CHROMIUM", "/usr/bin/chromium")
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run"
SCORE_TARGET = 95
FIRST_PAGE_TARGET_KB = 60
ADDED_P50_TARGET_MS = 1.0
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def pct(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class ServerTimes(logging.Handler):
    """The middleware's own measurement of each POST /turn (its log record's arguments, unrounded)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.turns: list[float] = []

    def emit(self, record: logging.LogRecord) -> None:
        args = record.args
        if isinstance(args, tuple) and len(args) == 4 and args[0] == "POST" and args[1] == "/turn":
            self.turns.append(float(args[3]))


def _form(step_kind: str, payload: str) -> dict[str, str]:
    if step_kind == "button":
        return {"b": payload}
    if step_kind == "command":
        name, _, arg = payload[1:].partition(" ")
        return {"cmd": name, "arg": arg}
    return {"text": payload}


def _input(kind: str, payload: str) -> Input:
    if kind == "button":
        return ButtonInput(payload)
    if kind == "command":
        name, _, arg = payload[1:].partition(" ")
        return CommandInput(name, arg)
    return TextInput(payload)


async def replay(url: str, scripts: Sequence[Script]) -> tuple[list[str], list[str]]:
    """Every script as a person's browser would send it; the session ids, and any problem found."""
    sids: list[str] = []
    problems: list[str] = []
    for n, script in enumerate(scripts):
        jar = aiohttp.CookieJar(unsafe=True)
        async with aiohttp.ClientSession(cookie_jar=jar) as http:
            async with http.get(url + "/") as resp:
                page = await resp.text()
            m = _CSRF.search(page)
            if m is None:
                problems.append(f"{script.profile}: no CSRF token on the first page")
                continue
            for i, step in enumerate(script.steps):
                data = {**_form(step.kind, step.payload), "csrf": m.group(1), "i": f"{n}-{i}"}
                async with http.post(url + "/turn", data=data) as resp:
                    await resp.read()
                    if resp.status != 200:
                        problems.append(f"{script.profile}: step {i} answered {resp.status}")
            sid = next((c.value for c in jar if c.key == SID_COOKIE), "")
            sids.append(sid)
    return sids, problems


def conversations_baseline(engine: PolicyRuntime, scripts: Sequence[Script], db: Path) -> list[float]:
    """``Conversations.turn`` (dialog + SQLite store) per turn, on the same inputs: what any channel pays."""
    import time

    async def run() -> list[float]:
        times: list[float] = []
        async with open_store(f"sqlite:///{db}") as store:
            conv = Conversations(engine, store)
            today = china_today()
            for n, script in enumerate(scripts):
                for i, step in enumerate(script.steps):
                    started = time.perf_counter()
                    await conv.turn(f"base:{n}", _input(step.kind, step.payload), today, user_key=f"base:{n}",
                                    input_id=f"{n}-{i}")
                    times.append(time.perf_counter() - started)
        return times

    return asyncio.run(run())


class Server:
    """The web channel on 127.0.0.1 in a thread of its own (Lighthouse and the replay talk to it)."""

    def __init__(self, engine: PolicyRuntime, db: Path) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.engine, self.db = engine, db
        self.channel, self.runner, port = self.call(self._start())
        self.url = f"http://127.0.0.1:{port}"

    def call(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(600)

    async def _start(self) -> tuple[WebChannel, web.AppRunner, int]:
        store = open_store(f"sqlite:///{self.db}")
        await store.__aenter__()
        channel = WebChannel(self.engine, store, WebConfig(secret=os.urandom(32), rate=0))
        runner = web.AppRunner(build_web_app(channel), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        return channel, runner, int(runner.addresses[0][1])

    def stop(self) -> None:
        async def stop() -> None:
            await self.runner.cleanup()
            await self.channel.store.close()

        self.call(stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


def lighthouse(url: str, out: Path, cookie: str = "") -> dict[str, Any]:
    """Lighthouse's mobile audit of ``url``: the three category scores (0-100) and the bytes it saw."""
    cmd = [str(LIGHTHOUSE), url, f"--chrome-path={CHROMIUM}", f"--chrome-flags={CHROME_FLAGS}",
           "--only-categories=performance,accessibility,best-practices", "--output=json",
           f"--output-path={out}", "--quiet", "--max-wait-for-load=30000"]
    if cookie:
        cmd.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
    subprocess.run(cmd, check=True, timeout=300, env={**os.environ, "CHROME_PATH": CHROMIUM})
    report = json.loads(out.read_text(encoding="utf-8"))
    scores = {k: round(100 * (v["score"] or 0)) for k, v in report["categories"].items()}
    audits = report["audits"]
    failed = [a["id"] for a in audits.values()
              if a.get("score") is not None and a["score"] < 0.9 and a.get("scoreDisplayMode") in ("binary", "numeric")]
    return {"scores": scores, "bytes": audits["total-byte-weight"]["numericValue"],
            "fcp_ms": audits["first-contentful-paint"]["numericValue"],
            "lcp_ms": audits["largest-contentful-paint"]["numericValue"], "below_90": failed}


def run(chats: int, with_lighthouse: bool) -> dict[str, Any]:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    engine = build_runtime(settings)
    today = china_today()
    profiles = load_profiles(engine)
    scripts = [build_script(engine, name, truth, STYLES[(i // len(profiles)) % len(STYLES)],
                            FREE_QUESTIONS[i % len(FREE_QUESTIONS)], today)
               for i in range(chats) for name, truth in [profiles[i % len(profiles)]]]
    result: dict[str, Any] = {"chats": len(scripts), "turns": sum(len(s.steps) for s in scripts)}

    def fresh() -> PolicyRuntime:
        """A runtime of its own for each measurement: the dialog's small cache of assessments starts
        empty for each, as it did for the scripts, so no measurement inherits another's."""
        return build_runtime(settings)

    with tempfile.TemporaryDirectory(prefix="ipbot-web-bench-") as tmp:
        times = ServerTimes()
        logger = logging.getLogger("bot.web")
        logger.addHandler(times)
        logger.setLevel(logging.INFO)
        logger.propagate = False
        server = Server(fresh(), Path(tmp) / "web.db")
        try:
            async def first_page() -> int:
                async with aiohttp.ClientSession() as http:
                    total = 0
                    async with http.get(server.url + "/") as resp:
                        page = await resp.text()
                        total += len(await resp.read())
                    for asset in re.findall(r'(?:href|src)="(/static/[^"]+)"', page):
                        async with http.get(server.url + asset) as resp:
                            total += len(await resp.read())
                    return total

            # The browser's side runs on the server's event loop too: no second thread competes for the
            # interpreter while the server measures a turn.
            result["first_page_bytes"] = server.call(first_page())
            server.call(replay(server.url, scripts[:10]))  # warm-up: imports, caches, SQLite pages
            times.turns.clear()
            sids, problems = server.call(replay(server.url, scripts))
            web_ms = list(times.turns)
            for sid, script in zip(sids, scripts, strict=False):
                stored = server.call(server.channel.store.load(f"web:{sid}"))
                if stored is None or stored.state.get("facts") != script.facts:
                    problems.append(f"{script.profile} ({script.style}): stored facts differ from the dialog core's")
            result["problems"] = problems
            result["sessions_right"] = len(sids) - sum(1 for p in problems if "stored facts" in p)
            core = fresh()
            engine_baseline(core, scripts[:10], today)  # the same warm-up as the server's
            core_ms = [t * 1000 for t in engine_baseline(core, scripts, today)]
            conv_ms = [t * 1000 for t in conversations_baseline(fresh(), scripts, Path(tmp) / "base.db")]
            result["server_ms"] = {"p50": pct(web_ms, 0.5), "p99": pct(web_ms, 0.99), "n": len(web_ms)}
            result["core_ms"] = {"p50": pct(core_ms, 0.5), "p99": pct(core_ms, 0.99), "n": len(core_ms)}
            result["conversations_ms"] = {"p50": pct(conv_ms, 0.5), "p99": pct(conv_ms, 0.99)}
            result["added_p50_ms"] = result["server_ms"]["p50"] - result["core_ms"]["p50"]
            if with_lighthouse:
                last_sid = sids[-1] if sids else ""
                result["lighthouse"] = {
                    "first page": lighthouse(server.url + "/", Path(tmp) / "lh-first.json"),
                    "result page": lighthouse(server.url + "/", Path(tmp) / "lh-result.json",
                                              cookie=f"{SID_COOKIE}={last_sid}"),
                }
        finally:
            server.stop()
            logger.removeHandler(times)
    return result


def report(r: dict[str, Any]) -> str:
    def met(ok: bool) -> str:
        return "met" if ok else "NOT met"

    lines = [f"**Web page** ({r['chats']} chats, {r['turns']} turns replayed over HTTP on 127.0.0.1, SQLite store)", "",
             "| measure | value | target | |", "|---|---:|---|---|"]
    kb = r["first_page_bytes"] / 1024
    lines.append(f"| first page: HTML + CSS + JS, uncompressed | {kb:.1f} KB | <= {FIRST_PAGE_TARGET_KB} KB | "
                 f"{met(kb <= FIRST_PAGE_TARGET_KB)} |")
    s, c, v = r["server_ms"], r["core_ms"], r["conversations_ms"]
    lines.append(f"| server time per turn (`POST /turn`), p50 / p99 | {s['p50']:.2f} / {s['p99']:.2f} ms | | |")
    lines.append(f"| baseline: dialog core alone (`Dialog.handle`), p50 / p99 | {c['p50']:.2f} / {c['p99']:.2f} ms "
                 f"| | |")
    lines.append(f"| baseline: dialog + store (`Conversations.turn`), p50 / p99 | {v['p50']:.2f} / {v['p99']:.2f} ms "
                 f"| | |")
    lines.append(f"| added by the web layer (incl. the store) at p50 | {r['added_p50_ms']:.2f} ms "
                 f"({s['p50'] / c['p50']:.1f}x the core) | <= {ADDED_P50_TARGET_MS} ms | "
                 f"{met(r['added_p50_ms'] <= ADDED_P50_TARGET_MS)} |")
    lines.append(f"| sessions stored right (facts = dialog core alone) | {r['sessions_right']} / {r['chats']} | all | "
                 f"{met(r['sessions_right'] == r['chats'] and not r['problems'])} |")
    for page, lh in (r.get("lighthouse") or {}).items():
        sc = lh["scores"]
        ok = all(sc.get(k, 0) >= SCORE_TARGET for k in ("performance", "accessibility", "best-practices"))
        lines.append(f"| Lighthouse mobile, {page}: performance / accessibility / best practices | "
                     f"{sc.get('performance')} / {sc.get('accessibility')} / {sc.get('best-practices')} "
                     f"(FCP {lh['fcp_ms'] / 1000:.1f} s, LCP {lh['lcp_ms'] / 1000:.1f} s, {lh['bytes'] / 1024:.1f} KB) "
                     f"| each >= {SCORE_TARGET} | {met(ok)} |")
    if r["problems"]:
        lines += ["", "problems:", *(f"- {p}" for p in r["problems"][:20])]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.web_bench", description=__doc__.split("\n")[0])
    ap.add_argument("--chats", type=int, default=120, help="chats replayed (default 120: 40 profiles x 3 styles)")
    ap.add_argument("--no-lighthouse", action="store_true", help="skip the Lighthouse audits")
    ap.add_argument("--json", action="store_true", help="print the raw figures as JSON")
    args = ap.parse_args(argv)
    with_lh = not args.no_lighthouse
    if with_lh and not (LIGHTHOUSE.exists() and shutil.which(CHROMIUM)):
        sys.stderr.write(f"web_bench: Lighthouse ({LIGHTHOUSE}) or Chromium ({CHROMIUM}) missing: "
                         "run scripts/install-system-deps.sh, or pass --no-lighthouse\n")
        return 2
    r = run(args.chats, with_lh)
    print(json.dumps(r, indent=2, ensure_ascii=False) if args.json else report(r))
    return 1 if r["problems"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
