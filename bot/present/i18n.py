"""Message catalogues per language, loaded once and passed explicitly (never a global locale)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from knowledge.models import Lang, Text

LOCALES_DIR = Path(__file__).parent / "locales"
LANGS: tuple[Lang, ...] = ("zh", "en")
_CN_NUM = "零一二三四五六七八九十"


def to_lang(value: str | None) -> Lang:
    """Telegram language codes and user choices to one of ours; Chinese by default."""
    return "en" if value and value.lower().startswith("en") else "zh"


@dataclass(frozen=True)
class Catalog:
    messages: dict[Lang, dict[str, str]]

    @classmethod
    def load(cls, directory: Path = LOCALES_DIR) -> Catalog:
        """``zh.yaml`` and ``en.yaml``, plus one file per area (``zh.web.yaml``, ``en.web.yaml`` ...).

        Areas keep each part of the bot's wording in a file of its own; a key defined twice is an error.
        """
        messages: dict[Lang, dict[str, str]] = {}
        for lang in LANGS:
            merged: dict[str, str] = {}
            for path in [directory / f"{lang}.yaml", *sorted(directory.glob(f"{lang}.*.yaml"))]:
                data: Any = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
                for k, v in data.items():
                    if str(k) in merged:
                        raise ValueError(f"{path.name}: message key {k!r} is defined twice")
                    merged[str(k)] = str(v)
            messages[lang] = merged
        missing = set(messages["zh"]) ^ set(messages["en"])
        if missing:
            raise ValueError(f"message keys present in one language only: {sorted(missing)}")
        return cls(messages)

    def t(self, lang: Lang, key: str, **params: object) -> str:
        template = self.messages[lang].get(key) or self.messages["zh"][key]
        return template.format(**params) if params else template


def text(value: Text, lang: Lang) -> str:
    return value.zh if lang == "zh" else value.en


def chinese_number(n: int) -> str:
    if n <= 10:
        return _CN_NUM[n]
    if n < 20:
        return "十" + _CN_NUM[n - 10]
    return _CN_NUM[n // 10] + "十" + (_CN_NUM[n % 10] if n % 10 else "")


def format_ref(ref: str, lang: Lang, cat: Catalog) -> str:
    """"4.1" -> （四）1 in Chinese, "clause 4.1" in English; "general" -> the general provisions."""
    if ref == "general":
        return cat.t(lang, "ref.general")
    if lang == "en":
        return cat.t(lang, "ref", ref=ref)
    main, _, sub = ref.partition(".")
    return f"（{chinese_number(int(main))}）{sub}"


def format_yuan(amount: int, lang: Lang, cat: Catalog) -> str:
    if lang == "en":
        return cat.t(lang, "yuan", amount=f"{amount:,}")
    if amount >= 100_000_000 and amount % 10_000_000 == 0:
        return cat.t(lang, "yi_yuan", amount=_trim(amount / 100_000_000))
    if amount >= 10_000:
        return cat.t(lang, "wan_yuan", amount=_trim(amount / 10_000))
    return cat.t(lang, "yuan", amount=f"{amount:,}")


def _trim(x: float) -> str:
    return f"{x:.4f}".rstrip("0").rstrip(".")
