"""The web channel: a mobile page over the dialog core, which is also the bot's Telegram Mini App."""
