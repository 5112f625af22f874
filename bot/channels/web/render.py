"""The dialog core's replies as HTML, and the page around them.

The core's texts are Telegram HTML, already escaped; this module keeps only the handful of tags
Telegram itself allows (no attributes), escapes everything else once more, and turns every row of
buttons into a plain form: the page works with JavaScript off, each tap a POST. Nothing here takes
a decision about the policy: the result section draws what the engine's assessment says.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from html import escape

from bot.dialog.model import Button, Reply

__all__ = [
    "Page",
    "RenderedReply",
    "bar_chart",
    "render_buttons",
    "render_page",
    "render_reply",
    "sanitize",
]

_ALLOWED = {"b": "b", "strong": "b", "i": "i", "em": "i", "u": "u", "s": "s", "code": "code", "pre": "pre"}
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)([^<>]*)>")
_BARE_AMP = re.compile(r"&(?!(?:#\d{1,7}|#x[0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});)")
_TICKED = "✅ "
_UNTICKED = "▫️ "


def _text(chunk: str) -> str:
    """Text between tags: entities kept, anything that could open markup escaped."""
    return _BARE_AMP.sub("&amp;", chunk).replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def sanitize(html_text: str) -> str:
    """Telegram HTML to safe HTML: known tags without attributes, balanced; the rest shown as text."""
    out: list[str] = []
    stack: list[str] = []
    pos = 0
    for m in _TAG.finditer(html_text):
        out.append(_text(html_text[pos:m.start()]))
        pos = m.end()
        closing, name, attrs = m.group(1), m.group(2).lower(), m.group(3)
        if name == "blockquote":  # Telegram's (expandable) quote: a quote, folded when expandable
            if not closing:
                fold = "expandable" in attrs
                stack.append("details" if fold else "blockquote")
                out.append('<details class="fold"><summary>展开 / More</summary><blockquote>' if fold
                           else "<blockquote>")
            elif "details" in stack or "blockquote" in stack:
                while stack:
                    top = stack.pop()
                    out.append("</blockquote></details>" if top == "details" else f"</{top}>")
                    if top in ("details", "blockquote"):
                        break
            continue
        tag = _ALLOWED.get(name)
        if tag is None or (attrs.strip() and not closing):
            out.append(escape(m.group(0)))
        elif not closing:
            stack.append(tag)
            out.append(f"<{tag}>")
        elif tag in stack:
            while stack:  # close whatever was left open inside it
                top = stack.pop()
                out.append(f"</{top}>")
                if top == tag:
                    break
        # a closing tag that was never opened is dropped
    out.append(_text(html_text[pos:]))
    out.extend("</blockquote></details>" if t == "details" else f"</{t}>" for t in reversed(stack))
    return "".join(out)


def _paragraphs(html_text: str) -> str:
    """Blank lines separate paragraphs; single newlines become line breaks."""
    paras = [p for p in re.split(r"\n\s*\n", html_text.strip()) if p.strip()]
    return "".join(f"<p>{sanitize(p).replace(chr(10), '<br>')}</p>" for p in paras)


@dataclass(frozen=True)
class FormContext:
    """What every state-changing form carries: the CSRF token and a fresh id for this page's inputs."""

    csrf: str
    turn: str
    action: str = "/turn"

    def hidden(self) -> str:
        return (f'<input type="hidden" name="csrf" value="{escape(self.csrf)}">'
                f'<input type="hidden" name="i" value="{escape(self.turn)}">')


def _kind(data: str) -> str:
    return data.partition("|")[0]


def render_buttons(buttons: Sequence[Sequence[Button]], form: FormContext,
                   group_of: Callable[[Button], str | None] | None = None) -> str:
    """One form per message: answer buttons large and first, the navigation row (back, not sure,
    restart) smaller after them. ``group_of`` puts headings between buttons (the clause browser by topic)."""
    if not buttons:
        return ""
    main: list[str] = []
    nav: list[str] = []
    group: str | None = None
    for row in buttons:
        cells: list[str] = []
        for b in row:
            label, pressed = b.label, ""
            if label.startswith(_TICKED):
                label, pressed = label.removeprefix(_TICKED), ' aria-pressed="true"'
            elif label.startswith(_UNTICKED):
                label, pressed = label.removeprefix(_UNTICKED), ' aria-pressed="false"'
            css = "btn nav" if _kind(b.data) == "n" else "btn"
            cells.append(f'<button class="{css}" name="b" value="{escape(b.data)}"{pressed}>{escape(label)}</button>')
        if row and all(_kind(b.data) == "n" for b in row):
            nav.append(f'<div class="row nav">{"".join(cells)}</div>')
            continue
        heading = group_of(row[0]) if group_of is not None and row else None
        if heading is not None and heading != group:
            main.append(f"<h3>{escape(heading)}</h3>")
            group = heading
        main.append(f'<div class="row">{"".join(cells)}</div>')
    return f'<form method="post" action="{form.action}" class="buttons">{form.hidden()}{"".join(main + nav)}</form>'


@dataclass(frozen=True)
class RenderedReply:
    html: str
    is_question: bool


def render_reply(reply: Reply, form: FormContext,
                 group_of: Callable[[Button], str | None] | None = None) -> RenderedReply:
    """One message of the core as a card: its text and its buttons."""
    is_question = any(_kind(b.data) in ("a", "t", "d") for row in reply.buttons for b in row)
    css = "card q" if is_question else "card"
    body = _paragraphs(reply.text) + render_buttons(reply.buttons, form, group_of)
    return RenderedReply(f'<article class="{css}">{body}</article>', is_question)


# -- the result's bar chart ----------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    label: str
    amount: int  # the upper bound, in yuan
    low: int  # the lower bound (a range shows its sure part darker)
    shown: str  # the amount as text
    kind: str  # "eligible" or "competitive"


def bar_chart(bars: Sequence[Bar], title: str, legend: dict[str, str]) -> str:
    """A horizontal bar chart as inline SVG: one bar per benefit, on one scale, labels as text.

    Drawn on the server (no chart library in the browser); colours by presentation attributes and
    CSS classes (the CSP allows no inline style)."""
    if not bars:
        return ""
    width, label_h, bar_h, gap, left = 340, 16, 14, 10, 4
    top = max(b.amount for b in bars) or 1
    rows: list[str] = []
    y = 22
    for b in bars:
        full = max(2.0, (width - 2 * left) * b.amount / top)
        low = (width - 2 * left) * b.low / top
        label = b.label if len(b.label) <= 24 else b.label[:23] + "…"
        rows.append(f'<text x="{left}" y="{y + 12}" class="bl">{escape(label)}</text>')
        y += label_h
        rows.append(f'<rect x="{left}" y="{y}" width="{full:.1f}" height="{bar_h}" rx="3" class="bar {b.kind}"/>')
        if 0 < b.low < b.amount:
            rows.append(f'<rect x="{left}" y="{y}" width="{low:.1f}" height="{bar_h}" rx="3" class="bar sure"/>')
        rows.append(f'<text x="{width - left}" y="{y - 4}" text-anchor="end" class="ba">{escape(b.shown)}</text>')
        y += bar_h + gap
    keys = "".join(
        f'<rect x="{left + i * 150}" y="4" width="10" height="10" class="bar {k}"/>'
        f'<text x="{left + i * 150 + 14}" y="13" class="bl">{escape(v)}</text>'
        for i, (k, v) in enumerate(legend.items()))
    return (f'<svg class="chart" viewBox="0 0 {width} {y}" role="img" aria-labelledby="chart-t" '
            f'xmlns="http://www.w3.org/2000/svg"><title id="chart-t">{escape(title)}</title>{keys}'
            f'{"".join(rows)}</svg>')


# -- the page ------------------------------------------------------------------------------------


@dataclass
class Page:
    """Everything one page shows; the server fills it, :func:`render_page` writes it."""

    lang: str
    title: str
    t: Callable[..., str]  # the page's own texts (web.* keys), already in the page's language
    form: FormContext
    cards: list[str] = field(default_factory=list)
    result: str = ""
    progress: tuple[int, int] | None = None  # (questions answered, about how many left)
    telegram: str = "off"  # "off": no Mini App here; "needed": not yet bound; "ok": a Telegram session
    asset_version: str = "1"
    notice: str = ""


def _lang_switch(page: Page) -> str:
    other = "en" if page.lang == "zh" else "zh"
    return (f'<form method="post" action="/turn" class="lang">{page.form.hidden()}'
            f'<input type="hidden" name="cmd" value="lang"><input type="hidden" name="arg" value="{other}">'
            f'<button class="link" lang="{other}">{escape(page.t("web.lang_other"))}</button></form>')


def _menu(page: Page) -> str:
    items = (("assess", "web.nav.assess"), ("clauses", "web.nav.clauses"), ("ask", "web.nav.ask"))
    buttons = "".join(f'<button class="link" name="cmd" value="{c}">{escape(page.t(k))}</button>' for c, k in items)
    return f'<form method="post" action="/turn" class="menu">{page.form.hidden()}{buttons}</form>'


def _progress(page: Page) -> str:
    if page.progress is None:
        return ""
    done, left = page.progress
    total = done + max(left, 1)
    return (f'<progress max="{total}" value="{done}" aria-label="{escape(page.t("web.progress"))}"></progress>')


def _ask_box(page: Page, placeholder: str) -> str:
    return (f'<form method="post" action="/turn" class="ask">{page.form.hidden()}'
            f'<label for="text">{escape(placeholder)}</label>'
            f'<div class="askrow"><input id="text" name="text" maxlength="2000" autocomplete="off" enterkeyhint="send">'
            f'<button class="btn">{escape(page.t("web.send"))}</button></div></form>')


def render_page(page: Page, *, answering: bool) -> str:
    """The whole document: header (title, language), the cards, the result, the text box, /forget."""
    html_lang = "zh-CN" if page.lang == "zh" else "en"
    placeholder = page.t("web.type_answer") if answering else page.t("web.type_question")
    notice = f'<p class="notice" role="status">{escape(page.notice)}</p>' if page.notice else ""
    if page.telegram != "off":  # shown by the script when Telegram's initData is refused
        notice += f'<p id="tg-refused" class="notice" role="alert" hidden>{escape(page.t("web.tg_refused"))}</p>'
    forget = (f'<form method="post" action="/forget" class="forget">{page.form.hidden()}'
              f'<button class="link">{escape(page.t("web.forget"))}</button></form>')
    v = escape(page.asset_version)
    return (
        f'<!doctype html><html lang="{html_lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width,initial-scale=1">'
        f'<title>{escape(page.title)}</title><meta name="description" content="{escape(page.t("web.description"))}">'
        f'<meta name="theme-color" content="#0b5cad"><link rel="icon" href="data:,">'
        f'<link rel="stylesheet" href="/static/app.css?v={v}"><script src="/static/app.js?v={v}" defer></script>'
        f'</head><body data-tg="{escape(page.telegram)}">'
        f'<header><h1>{escape(page.t("web.heading"))}</h1>{_lang_switch(page)}</header>'
        f'<nav aria-label="{escape(page.t("web.nav.label"))}">{_menu(page)}</nav>'
        f'<main id="main">{notice}{_progress(page)}{"".join(page.cards)}{page.result}'
        f'{_ask_box(page, placeholder)}</main>'
        f'<footer>{forget}<p>{escape(page.t("web.footer"))}</p></footer></body></html>'
    )


def join_nonempty(parts: Iterable[str]) -> str:
    return "".join(p for p in parts if p)
