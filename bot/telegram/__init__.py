"""The Telegram channel: a thin transport over the dialog core (see ``bot.telegram.app``).

Importing this package imports nothing from python-telegram-bot; the modules below do.
"""
