"""The staff dashboard as a small aiohttp app: sign-in, the page over a chosen period, CSV export.

Everything is rendered on the server (HTML tables and SVG charts, charts.py); the page runs no script
(the Telegram Login Widget's script on the sign-in page only, when a bot username is configured), and its
Content-Security-Policy says so. No user id, name or chat appears on any page or export.
"""

from __future__ import annotations

import csv
import io
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from html import escape

from aiohttp import web

from bot.channels.dashboard.auth import SESSION_MAX_AGE_S, Sessions, check_telegram_login, check_token
from bot.channels.dashboard.charts import day_columns, horizontal_bars
from bot.channels.dashboard.unanswered import UnansweredLog
from bot.present.i18n import Catalog, format_ref, to_lang
from bot.storage.stats import Kind, StatsStore
from knowledge.models import KnowledgeBase, Lang

COOKIE = "ipbot_staff"
MAX_DAYS = 366
DEFAULT_DAYS = 30
DAY_KINDS: tuple[Kind, ...] = ("question", "unanswered", "helpdesk", "assessment_started", "assessment_finished")
CSS = """body{font-family:system-ui,"PingFang SC","Noto Sans CJK SC",sans-serif;margin:1.5rem;max-width:60rem}
body{color:#222}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}
td.n{text-align:right}.chart{width:100%;height:auto;margin-bottom:1rem}form.period input{margin-right:.5rem}
.err{color:#a00}nav a{margin-right:1rem}"""


@dataclass(frozen=True)
class DashboardConfig:
    staff_token: str = ""
    bot_token: str = ""
    staff_ids: frozenset[int] = frozenset()
    bot_username: str | None = None
    secure_cookie: bool = True
    session_key: bytes = field(default_factory=lambda: secrets.token_bytes(32))


NoticeCounts = Callable[[], Awaitable[tuple[str, dict[str, int]]]]
"""The knowledge-base version notified last and its counts: subscribers, notices per state."""
NOTICE_ROWS = ("subscribers", "pending", "sending", "sent", "failed")


def _period(q: dict[str, str], today: date) -> tuple[date, date, str | None]:
    """The period asked for, or the last 30 days and why the one asked for was refused."""
    default = (today - timedelta(days=DEFAULT_DAYS - 1), today)
    if not q.get("start") and not q.get("end"):
        return (*default, None)
    try:
        start, end = date.fromisoformat(q.get("start", "")), date.fromisoformat(q.get("end", ""))
    except ValueError:
        return (*default, "bad_date")
    if start > end or (end - start).days >= MAX_DAYS:
        return (*default, "bad_period")
    return start, end, None


class Dashboard:
    def __init__(self, config: DashboardConfig, stats: StatsStore, kb: KnowledgeBase, cat: Catalog, *,
                 unanswered: UnansweredLog | None = None, notice_counts: NoticeCounts | None = None,
                 today: Callable[[], date] = date.today) -> None:
        self.config, self.stats, self.kb, self.cat = config, stats, kb, cat
        self.unanswered, self.notice_counts, self.today = unanswered, notice_counts, today
        self.sessions = Sessions(config.session_key)
        self.titles = {b.id: (b.ref, b.title) for b in kb.benefits}

    # -- plumbing ------------------------------------------------------------------------------------------
    def app(self) -> web.Application:
        app = web.Application(client_max_size=16 << 10, middlewares=[self._headers])
        app.add_routes([web.get("/", self.page), web.get("/login", self.login_page), web.post("/login", self.login),
                        web.get("/auth/telegram", self.telegram_login), web.post("/logout", self.logout),
                        web.get("/export.csv", self.export), web.get("/dashboard.css", self.css)])
        return app

    @web.middleware
    async def _headers(self, request: web.Request,
                       handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> web.StreamResponse:
        resp = await handler(request)
        widget = request.path == "/login" and self.config.bot_username
        resp.headers["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
            "frame-ancestors 'none'; base-uri 'none'"
            + ("; script-src https://telegram.org; frame-src https://oauth.telegram.org" if widget else ""))
        resp.headers["X-Content-Type-Options"] = "nosniff"
        resp.headers["Referrer-Policy"] = "no-referrer"
        resp.headers["Cache-Control"] = "no-store"
        return resp

    def _who(self, request: web.Request) -> str | None:
        return self.sessions.check(request.cookies.get(COOKIE))

    def _lang(self, request: web.Request) -> Lang:
        return to_lang(request.query.get("lang") or request.headers.get("Accept-Language", "zh")[:2])

    def _signed_in(self, who: str) -> web.Response:
        resp = web.Response(status=303, headers={"Location": "/"})
        resp.set_cookie(COOKIE, self.sessions.issue(who), max_age=SESSION_MAX_AGE_S, httponly=True,
                        samesite="Strict", secure=self.config.secure_cookie, path="/")
        return resp

    def _html(self, lang: Lang, title: str, body: str, status: int = 200) -> web.Response:
        html = (f'<!doctype html><html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
                f'<meta name="viewport" content="width=device-width,initial-scale=1"><title>{escape(title)}</title>'
                f'<link rel="stylesheet" href="/dashboard.css"></head><body>{body}</body></html>')
        return web.Response(text=html, content_type="text/html", status=status)

    async def css(self, request: web.Request) -> web.Response:
        return web.Response(text=CSS, content_type="text/css")

    # -- sign-in -------------------------------------------------------------------------------------------
    async def login_page(self, request: web.Request, *, error: bool = False) -> web.Response:
        lang, t = self._lang(request), self.cat.t
        widget = ""
        if self.config.bot_username:
            widget = (f'<p><script async src="https://telegram.org/js/telegram-widget.js?22" '
                      f'data-telegram-login="{escape(self.config.bot_username)}" data-size="large" '
                      f'data-auth-url="/auth/telegram" data-request-access="read"></script></p>')
        body = (f"<h1>{escape(t(lang, 'dash.title'))}</h1>"
                + (f'<p class="err">{escape(t(lang, "dash.login.refused"))}</p>' if error else "")
                + f'<form method="post" action="/login"><label>{escape(t(lang, "dash.login.token"))} '
                  f'<input type="password" name="token" autocomplete="current-password" required></label> '
                  f'<button>{escape(t(lang, "dash.login.submit"))}</button></form>{widget}')
        return self._html(lang, t(lang, "dash.title"), body, status=403 if error else 200)

    async def login(self, request: web.Request) -> web.Response:
        form = await request.post()
        given = form.get("token")
        if isinstance(given, str) and check_token(given, self.config.staff_token):
            return self._signed_in("token")
        return await self.login_page(request, error=True)

    async def telegram_login(self, request: web.Request) -> web.Response:
        user = check_telegram_login(dict(request.query), self.config.bot_token, set(self.config.staff_ids))
        if user is None:
            return await self.login_page(request, error=True)
        return self._signed_in(str(user))

    async def logout(self, request: web.Request) -> web.Response:
        cookie = request.cookies.get(COOKIE, "")
        form = await request.post()
        if self._who(request) is None or form.get("csrf") != self.sessions.csrf(cookie):
            raise web.HTTPForbidden()
        resp = web.Response(status=303, headers={"Location": "/login"})
        resp.del_cookie(COOKIE, path="/")
        return resp

    # -- the page ------------------------------------------------------------------------------------------
    async def _days(self, start: date, end: date) -> list[tuple[str, dict[Kind, int]]]:
        out: list[tuple[str, dict[Kind, int]]] = []
        day = start
        while day <= end:
            s = await self.stats.summary(day, day, top=0)
            out.append((day.isoformat(), {k: s.total(k) for k in DAY_KINDS}))
            day += timedelta(days=1)
        return out

    def _benefit_name(self, benefit_id: str, lang: Lang) -> str:
        if benefit_id not in self.titles:
            return benefit_id
        ref, title = self.titles[benefit_id]
        return f"{format_ref(ref, lang, self.cat)} {title.get(lang)}"

    async def page(self, request: web.Request) -> web.Response:
        if self._who(request) is None:
            raise web.HTTPSeeOther("/login")
        lang, t = self._lang(request), self.cat.t
        start, end, problem = _period(dict(request.query), self.today())
        summary = await self.stats.summary(start, end, top=10)
        days = await self._days(start, end)
        q = f"start={start}&end={end}&lang={lang}"
        totals = "".join(f"<tr><th>{escape(t(lang, f'dash.kind.{k}'))}</th><td class=n>{summary.total(k)}</td></tr>"
                         for k in DAY_KINDS)
        top = [(self._benefit_name(b, lang), n) for b, n in summary.benefits]
        top_rows = "".join(f"<tr><td>{escape(name)}</td><td class=n>{n}</td></tr>" for name, n in top)
        unanswered = await self.unanswered.between(start, end) if self.unanswered else []
        un_rows = "".join(f"<tr><td>{d}</td><td>{escape(text)}</td></tr>" for d, _, text in unanswered)
        notices = ""
        if self.notice_counts is not None:
            version, counts = await self.notice_counts()
            notices = (f"<h2>{escape(t(lang, 'dash.notices'))}</h2><table>"
                       f"<tr><th>{escape(t(lang, 'dash.notices.version'))}</th><td>{escape(version)}</td></tr>"
                       + "".join(f"<tr><th>{escape(t(lang, f'dash.notices.{k}'))}</th><td class=n>{counts.get(k, 0)}"
                                 "</td></tr>" for k in NOTICE_ROWS)
                       + "</table>")
        cookie = request.cookies.get(COOKIE, "")
        body = (
            f"<h1>{escape(t(lang, 'dash.title'))}</h1>"
            f'<form class="period" method="get" action="/"><label>{escape(t(lang, "dash.start"))} '
            f'<input type="date" name="start" value="{start}"></label><label>{escape(t(lang, "dash.end"))} '
            f'<input type="date" name="end" value="{end}"></label><input type="hidden" name="lang" value="{lang}">'
            f'<button>{escape(t(lang, "dash.show"))}</button></form>'
            + (f'<p class="err">{escape(t(lang, f"dash.{problem}", days=MAX_DAYS))}</p>' if problem else "")
            + f"<nav><a href=\"/export.csv?{q}&what=days\">{escape(t(lang, 'dash.csv.days'))}</a>"
              f"<a href=\"/export.csv?{q}&what=benefits\">{escape(t(lang, 'dash.csv.benefits'))}</a>"
              f"<a href=\"/export.csv?{q}&what=unanswered\">{escape(t(lang, 'dash.csv.unanswered'))}</a></nav>"
            + f"<h2>{escape(t(lang, 'dash.totals', start=start, end=end))}</h2><table>{totals}</table>"
            + f"<h2>{escape(t(lang, 'dash.kind.question'))}</h2>"
            + day_columns([(d, c["question"]) for d, c in days], title=t(lang, "dash.chart.questions"))
            + f"<h2>{escape(t(lang, 'dash.assessments'))}</h2>"
            + day_columns([(d, c["assessment_finished"]) for d, c in days], title=t(lang, "dash.chart.finished"))
            + f"<h2>{escape(t(lang, 'dash.benefits'))}</h2>"
            + horizontal_bars(top, title=t(lang, "dash.benefits"))
            + f"<table>{top_rows}</table>"
            + f"<h2>{escape(t(lang, 'dash.unanswered'))}</h2><p>{escape(t(lang, 'dash.unanswered.note'))}</p>"
            + f"<table>{un_rows}</table>" + notices
            + f'<form method="post" action="/logout"><input type="hidden" name="csrf" '
              f'value="{self.sessions.csrf(cookie)}"><button>{escape(t(lang, "dash.logout"))}</button></form>')
        return self._html(lang, t(lang, "dash.title"), body)

    async def export(self, request: web.Request) -> web.Response:
        if self._who(request) is None:
            raise web.HTTPForbidden()
        lang = self._lang(request)
        start, end, problem = _period(dict(request.query), self.today())
        if problem:
            raise web.HTTPBadRequest(text=self.cat.t(lang, f"dash.{problem}", days=MAX_DAYS))
        what = request.query.get("what", "days")
        buf = io.StringIO()
        w = csv.writer(buf)
        if what == "days":
            w.writerow(["day", *DAY_KINDS])
            for d, counts in await self._days(start, end):
                w.writerow([d, *(counts[k] for k in DAY_KINDS)])
        elif what == "benefits":
            w.writerow(["benefit_id", "benefit", "questions"])
            for b, n in (await self.stats.summary(start, end, top=100)).benefits:
                w.writerow([b, self._benefit_name(b, lang), n])
        elif what == "unanswered":
            w.writerow(["day", "lang", "question_masked"])
            for row in await self.unanswered.between(start, end, limit=10_000) if self.unanswered else []:
                w.writerow(row)
        else:
            raise web.HTTPBadRequest(text="what: days, benefits or unanswered")
        return web.Response(body=("\ufeff" + buf.getvalue()).encode("utf-8"), content_type="text/csv",
                            charset="utf-8", headers={
                                "Content-Disposition": f'attachment; filename="ipbot-{what}-{start}-{end}.csv"'})
