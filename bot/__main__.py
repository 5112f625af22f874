"""`python -m bot`: Telegram when a token is configured, otherwise the console chat."""

from bot.cli import main

raise SystemExit(main(["run"]))
