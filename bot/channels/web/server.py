"""The web channel: the dialog core behind a mobile page, which is also the bot's Telegram Mini App.

A thin transport, like the console and Telegram: each tap or typed line is one input to
:class:`~bot.services.Conversations` (the session is saved before the page is returned), and the
page renders the replies. Who the browser is: a random session id in an HttpOnly, SameSite cookie
(key ``web:<id>``); inside Telegram, once the server has validated the Mini App's ``initData``, the
user's Telegram session (``tg:<user id>``, the key the private chat uses), so progress is shared.

Routes: ``GET /`` the page where the user is; ``POST /turn`` one input; ``POST /forget`` deletes the
session as /forget does in Telegram; ``POST /tg/auth`` binds a Mini App launch; ``GET /r/<token>`` a
shared result; ``GET /static/*`` the stylesheet and script. Every POST needs the CSRF token of the
session; bodies are capped; each client has a rate limit; logs carry no id, name or answer.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime
from html import escape
from pathlib import Path
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.channels.web.render import FormContext, Page, render_page, render_reply
from bot.channels.web.result import from_assessment, from_share, render_result, share_payload
from bot.channels.web.security import (
    InitDataError,
    RateLimiter,
    ShareError,
    Signer,
    new_session_id,
    validate_init_data,
)
from bot.dialog.model import Button, ButtonInput, CommandInput, Input, Reply, SessionState, TextInput
from bot.present.i18n import text, to_lang
from bot.services import Conversations, PolicyRuntime
from bot.storage.base import SessionStore
from knowledge.models import Lang

__all__ = ["WebChannel", "WebConfig", "build_web_app", "china_today"]

log = logging.getLogger("bot.web")

STATIC_DIR = Path(__file__).parent / "static"
MAX_BODY = 16 * 1024  # a form with a question typed in it; initData is a few hundred bytes
SID_COOKIE = "ipbot_sid"
TG_COOKIE = "ipbot_tg"
SID_MAX_AGE = 180 * 86400
TG_MAX_AGE = 86400
# Commands a form may send (the language switch, the menu); anything else is refused as a bad request.
_FORM_COMMANDS = {"start", "assess", "clauses", "ask", "lang", "help", "result", "answers", "back", "restart",
                  "cancel"}
_CHINA = ZoneInfo("Asia/Shanghai")


def china_today() -> date:
    """The date in Shijiazhuang: the policy's deadlines are Chinese dates."""
    return datetime.now(_CHINA).date()


@dataclass(frozen=True)
class WebConfig:
    secret: bytes
    bot_token: str | None = None  # set: the Mini App's initData can be validated
    public_url: str | None = None
    rate: float = 5.0
    burst: int = 40
    share_days: int = 30
    trust_proxy: bool = False
    secure_cookies: bool = False


@dataclass(frozen=True)
class Who:
    """The browser's identity for one request: the dialog session key and its owner for /forget."""

    sid: str
    new_sid: bool
    key: str
    user_key: str
    telegram: bool


class WebChannel:
    def __init__(self, engine: PolicyRuntime, store: SessionStore, config: WebConfig, *,
                 today: Callable[[], date] = china_today, clock: Callable[[], float] = time.time) -> None:
        self.engine = engine
        self.store = store
        self.conversations = Conversations(engine, store)
        self.config = config
        self.signer = Signer(config.secret)
        self.limiter = RateLimiter(config.rate, config.burst)
        self.today = today
        self.clock = clock
        self.static = {p.name: p.read_bytes() for p in STATIC_DIR.iterdir() if p.suffix in (".css", ".js")}
        self.asset_version = hashlib.sha256(b"".join(self.static[k] for k in sorted(self.static))).hexdigest()[:10]
        cat = engine.catalog
        self._left = {lang: re.compile(re.escape(cat.t(lang, "dlg.left")).replace(re.escape("{n}"), r"(\d+)"))
                      for lang in ("zh", "en")}
        self._result_title = {lang: cat.t(lang, "dlg.result.title") for lang in ("zh", "en")}

    # -- identity ----------------------------------------------------------------------------------
    def who(self, request: web.Request) -> Who:
        sid = request.cookies.get(SID_COOKIE, "")
        new = not re.fullmatch(r"[A-Za-z0-9_-]{32}", sid)
        if new:
            sid = new_session_id()
        tg_user = self.signer.telegram_user_of(request.cookies.get(TG_COOKIE, ""), self.clock()) \
            if self.config.bot_token else None
        if tg_user is not None:
            # The key and owner the Telegram channel uses for this user's private chat.
            return Who(sid, new, f"tg:{tg_user}", f"tg-user:{tg_user}", True)
        return Who(sid, new, f"web:{sid}", f"web:{sid}", False)

    def _set_sid(self, response: web.StreamResponse, who: Who) -> None:
        if who.new_sid:
            response.set_cookie(SID_COOKIE, who.sid, max_age=SID_MAX_AGE, httponly=True, samesite="Lax",
                                secure=self.config.secure_cookies, path="/")

    def t(self, lang: Lang) -> Callable[..., str]:
        cat = self.engine.catalog

        def tr(key: str, **params: object) -> str:
            return cat.t(lang, key, **params)

        return tr

    # -- pages -------------------------------------------------------------------------------------
    def _page(self, who: Who, state: SessionState, replies: list[Reply], *, notice: str = "") -> str:
        lang = state.lang
        t = self.t(lang)
        form = FormContext(self.signer.csrf_token(who.sid), secrets.token_urlsafe(9))
        kb = self.engine.kb
        ids = {b.id for b in kb.benefits}

        def group_of(b: Button) -> str | None:
            kind, _, rest = b.data.partition("|")
            if kind == "c" and rest in ids:
                return text(kb.policy.topics[kb.benefit(rest).topic], lang)
            return None

        cards: list[str] = []
        result_buttons: tuple[tuple[Button, ...], ...] = ()
        in_result = False
        title = self._result_title[lang]
        for reply in replies:
            starts = reply.text.startswith(title)
            at = -1 if starts else reply.text.find(f"\n\n{title}")
            if starts or at >= 0 or in_result:
                # The chat's result text becomes the result section below; what comes before its title
                # (an answer corrected), its first lines (the change of the total) and its buttons stay.
                if not in_result:
                    before, own = ("", reply.text) if starts or at < 0 else (reply.text[:at], reply.text[at + 2:])
                    head = [*([before] if before.strip() else []), *own.split("\n\n", 1)[0].split("\n")[1:]]
                    if head:
                        cards.append(render_reply(Reply("\n".join(head)), form).html)
                in_result = True
                result_buttons = reply.buttons or result_buttons
                continue
            cards.append(render_reply(reply, form, group_of).html)
        result = ""
        if in_result:
            today = self.today()
            a = self.engine.dialog.assessment(state, today)
            data = from_assessment(a, state.topic)
            # Expiry on a day boundary: the same result gives the same link all day.
            expires = (int(self.clock()) // 86400 + 1 + self.config.share_days) * 86400
            token = self.signer.share_token(share_payload(data, lang), expires)
            base = (self.config.public_url or "").rstrip("/")
            until = datetime.fromtimestamp(expires, _CHINA).date().isoformat()
            result = render_result(data, self.engine.renderer, lang, t, t, share_url=f"{base}/r/{token}",
                                   share_until=until)
            if result_buttons:
                result += render_reply(Reply("", result_buttons), form).html
        progress = None
        if state.mode == "assess":
            m = next((self._left[lang].search(r.text) for r in replies if self._left[lang].search(r.text)), None)
            if m is not None:
                progress = (max(state.asked - 1, 0), int(m.group(1)))
        telegram = "off" if not self.config.bot_token else ("ok" if who.telegram else "needed")
        answering = state.current is not None
        page = Page(lang, t("web.title"), t, form, cards, result, progress, telegram, self.asset_version, notice)
        return render_page(page, answering=answering)

    def _html(self, body: str, who: Who | None = None, status: int = 200) -> web.Response:
        response = web.Response(text=body, content_type="text/html", charset="utf-8", status=status)
        if who is not None:
            self._set_sid(response, who)
        return response

    def _lang_hint(self, request: web.Request) -> Lang:
        accept = request.headers.get("Accept-Language", "")
        first = accept.split(",", 1)[0].strip()
        return to_lang(first) if first else "zh"

    async def index(self, request: web.Request) -> web.Response:
        who = self.who(request)
        stored = await self.store.load(who.key)
        today = self.today()
        if stored is None:
            state = SessionState(lang=self._lang_hint(request))
            replies, state = self.engine.dialog.handle(state, CommandInput("start"), today)  # shown, not saved
        else:
            state = SessionState.from_json(stored.state, self.engine.kb)
            replies = self.engine.dialog.current_view(state, today)
        return self._html(self._page(who, state, replies), who)

    def _input(self, form: dict[str, str]) -> Input | None:
        if form.get("b"):
            return ButtonInput(form["b"][:64])
        cmd = form.get("cmd", "")
        if cmd:
            if cmd not in _FORM_COMMANDS:
                return None
            arg = form.get("arg", "")[:16]
            if cmd == "lang" and arg not in ("zh", "en"):
                return None
            return CommandInput(cmd, arg)
        if "text" in form:
            return TextInput(form["text"][:2000])
        return None

    async def _form(self, request: web.Request, who: Who) -> dict[str, str] | None:
        """The posted form, if it carries this session's CSRF token."""
        if who.new_sid:
            return None
        data = await request.post()
        form = {k: v for k, v in data.items() if isinstance(v, str)}
        if not self.signer.check_csrf(who.sid, form.get("csrf", "")):
            return None
        return form

    def _refused(self, request: web.Request, status: int, key: str) -> web.Response:
        lang = self._lang_hint(request)
        body = (f'<!doctype html><html lang="{"en" if lang == "en" else "zh-CN"}"><head><meta charset="utf-8">'
                f'<meta name="viewport" content="width=device-width,initial-scale=1"><link rel="icon" href="data:,">'
                f'<title>ipbot</title>'
                f'<link rel="stylesheet" href="/static/app.css?v={self.asset_version}"></head><body><main>'
                f'<p class="notice">{escape(self.engine.catalog.t(lang, key))}</p>'
                f'<p><a href="/">{escape(self.engine.catalog.t(lang, "web.back_home"))}</a></p></main></body></html>')
        return web.Response(text=body, content_type="text/html", charset="utf-8", status=status)

    async def turn(self, request: web.Request) -> web.Response:
        who = self.who(request)
        form = await self._form(request, who)
        if form is None:
            return self._refused(request, 403, "web.csrf")
        inp = self._input(form)
        if inp is None:
            return self._refused(request, 400, "web.bad_request")
        if isinstance(inp, TextInput) and not inp.text.strip():
            raise web.HTTPSeeOther("/")
        input_id = _input_id(form, inp)
        result = await self.conversations.turn(who.key, inp, self.today(), user_key=who.user_key,
                                               lang_hint=self._lang_hint(request), input_id=input_id)
        state = SessionState.from_json(result.after, self.engine.kb)
        return self._html(self._page(who, state, result.replies), who)

    async def forget(self, request: web.Request) -> web.Response:
        who = self.who(request)
        form = await self._form(request, who)
        if form is None:
            return self._refused(request, 403, "web.csrf")
        replies = await self.conversations.handle(who.key, CommandInput("forget"), self.today(),
                                                  user_key=who.user_key)
        if who.telegram:  # the browser's own session goes too
            await self.conversations.handle(f"web:{who.sid}", CommandInput("forget"), self.today(),
                                            user_key=f"web:{who.sid}")
        fresh = Who(new_session_id(), True, "", "", False)
        state = SessionState(lang=self._lang_hint(request))
        response = self._html(self._page(fresh, state, replies), fresh)
        response.del_cookie(TG_COOKIE, path="/")
        return response

    async def telegram_auth(self, request: web.Request) -> web.Response:
        who = self.who(request)
        if not self.config.bot_token:
            return web.json_response({"ok": False, "error": "no mini app here"}, status=404)
        form = await self._form(request, who)
        if form is None:
            return web.json_response({"ok": False, "error": "csrf"}, status=403)
        try:
            user = validate_init_data(form.get("initData", ""), self.config.bot_token, self.clock())
        except InitDataError as exc:
            log.warning("mini app launch refused: %s", exc)
            return web.json_response({"ok": False, "error": "initData refused"}, status=403)
        response = web.json_response({"ok": True})
        expires = int(self.clock()) + TG_MAX_AGE
        response.set_cookie(TG_COOKIE, self.signer.telegram_cookie(user.id, expires), max_age=TG_MAX_AGE,
                            httponly=True, samesite="Lax", secure=self.config.secure_cookies, path="/")
        log.info("mini app launch bound to a telegram session")
        return response

    async def shared(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        try:
            payload = self.signer.read_share(token, self.clock())
            data = from_share(self.engine.kb, payload)
        except ShareError as exc:
            return self._refused(request, 410 if str(exc) == "expired" else 404,
                                 "web.share.expired" if str(exc) == "expired" else "web.share.invalid")
        except (KeyError, ValueError, TypeError):
            return self._refused(request, 404, "web.share.invalid")
        lang: Lang = "en" if payload.get("l") == "en" else "zh"
        t = self.t(lang)
        section = render_result(data, self.engine.renderer, lang, t, t)
        html_lang = "zh-CN" if lang == "zh" else "en"
        body = (f'<!doctype html><html lang="{html_lang}"><head><meta charset="utf-8">'
                f'<meta name="viewport" content="width=device-width,initial-scale=1"><link rel="icon" href="data:,">'
                f'<title>{escape(t("web.title"))}'
                f'</title><meta name="robots" content="noindex"><link rel="stylesheet" href="/static/app.css?v='
                f'{self.asset_version}"><script src="/static/app.js?v={self.asset_version}" defer></script></head>'
                f'<body data-tg="off"><header><h1>{escape(t("web.heading"))}</h1></header><main>'
                f'<p class="notice">{escape(t("web.share.heading"))}</p>{section}'
                f'<p><a class="btn" href="/">{escape(t("web.share.own"))}</a></p></main></body></html>')
        return web.Response(text=body, content_type="text/html", charset="utf-8")

    async def static_file(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        body = self.static.get(name)
        if body is None:
            raise web.HTTPNotFound()
        kind = "text/css" if name.endswith(".css") else "text/javascript"
        return web.Response(body=body, content_type=kind, charset="utf-8",
                            headers={"Cache-Control": "public, max-age=31536000, immutable"})

    # -- middleware --------------------------------------------------------------------------------
    def client_of(self, request: web.Request) -> str:
        if self.config.trust_proxy:
            forwarded = request.headers.get("X-Forwarded-For", "")
            if forwarded:
                return forwarded.split(",", 1)[0].strip()
        return request.remote or "-"

    @web.middleware
    async def guard(self, request: web.Request,
                    handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> web.StreamResponse:
        started = time.perf_counter()
        route = request.match_info.route.resource.canonical if request.match_info.route.resource else "-"
        if not route.startswith("/static") and not self.limiter.allow(self.client_of(request), time.monotonic()):
            response: web.StreamResponse = self._refused(request, 429, "web.rate_limited")
            response.headers["Retry-After"] = "2"
        else:
            try:
                response = await handler(request)
            except web.HTTPException as exc:  # redirects, 404, 413: raised, with our headers on
                _headers(exc, static=False)
                self._log(request, route, exc.status, started)
                raise
        _headers(response, static=route.startswith("/static"))
        self._log(request, route, response.status, started)
        return response

    @staticmethod
    def _log(request: web.Request, route: str, status: int, started: float) -> None:
        """Method, route pattern and status only: never the path (a share token), a form field or an id."""
        log.info("web %s %s status=%d ms=%.1f", request.method, route, status, (time.perf_counter() - started) * 1000)


def _input_id(form: dict[str, str], inp: Input) -> str | None:
    """The page's id with the input itself: the browser re-sending the same form (a reload after a POST)
    is recognised and not applied twice, while another button pressed on the same (older) page is a new
    input, which the dialog core judges itself (a stale question's button is answered as stale)."""
    page = form.get("i", "")[:24]
    if not page:
        return None
    what = inp.data if isinstance(inp, ButtonInput) else (
        f"/{inp.name} {inp.arg}" if isinstance(inp, CommandInput) else inp.text)
    return f"w:{page}:{hashlib.sha256(what.encode()).hexdigest()[:12]}"


def _headers(response: web.StreamResponse, *, static: bool) -> None:
    h = response.headers
    h["Content-Security-Policy"] = (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        "form-action 'self'; base-uri 'none'; frame-ancestors 'self' https://web.telegram.org https://*.telegram.org")
    h["X-Content-Type-Options"] = "nosniff"
    h["Referrer-Policy"] = "no-referrer"  # a share link's token stays out of other sites' logs
    h["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    h["Cross-Origin-Opener-Policy"] = "same-origin"
    if not static:
        h["Cache-Control"] = "no-store"  # a session's page is nobody else's


def build_web_app(channel: WebChannel) -> web.Application:
    app = web.Application(client_max_size=MAX_BODY, middlewares=[channel.guard])
    app.router.add_get("/", channel.index)
    app.router.add_post("/turn", channel.turn)
    app.router.add_post("/forget", channel.forget)
    app.router.add_post("/tg/auth", channel.telegram_auth)
    app.router.add_get("/r/{token}", channel.shared)
    app.router.add_get("/static/{name}", channel.static_file)
    return app
