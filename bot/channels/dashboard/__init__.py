"""The staff dashboard: usage over a chosen period as server-rendered SVG charts and tables, with CSV export.

Its own small aiohttp app (app.py), for staff only (auth.py: a staff token, or Telegram Login Widget data
from a staff id); counters from bot.storage.stats; unanswered questions from unanswered.py, masked (mask.py).
"""
