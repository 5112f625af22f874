"""The one error tree of ipbot: every error raised on purpose, from the bottom layer up.

Lower-level errors (yaml, sqlite3, asyncpg, OSError, pydantic) are mapped onto these at the
boundary that meets them, by type or code, never by their message text; each edge (the CLI, the
dialog, a channel) turns them into a reply or a one-line message a person can act on.

IpbotError                               knowledge/errors.py (this module)
├── KnowledgeBaseError                   knowledge.loader: the knowledge base cannot be used (file, line, path)
├── EligibilityError                     eligibility.errors
│   └── ProfileError                     a profile is malformed: unknown fact, wrong type, impossible value
├── StoreError                           bot.storage.base
│   ├── StoreUnavailableError            briefly out of reach; a retry may succeed
│   ├── StaleSessionError                another writer got there first (compare-and-set)
│   └── SealedStateError                 bot.storage.crypto: a sealed state its key does not open
├── ConfigError                          bot.channels.telegram.runtime: the settings cannot run the bot
├── UsageError                           bot.cli: bad input on the command line (exit code 2)
└── SheetError                           bot.agency.sheets: a spreadsheet that cannot be read at all
"""

from __future__ import annotations

__all__ = ["IpbotError"]


class IpbotError(Exception):
    """Root of every error ipbot raises on purpose."""
