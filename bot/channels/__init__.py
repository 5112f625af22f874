"""Channels: thin transports over the dialog core (console, Telegram)."""
