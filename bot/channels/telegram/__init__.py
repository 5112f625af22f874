"""The Telegram channel: a thin transport over the dialog core (see ``bot.channels.telegram.app``).

Importing this package imports nothing from python-telegram-bot; the modules below do.
"""
