"""The agency's tools: Excel templates and batch matching of a register of enterprises; policy-change notices.

template.py writes the template; columns.py maps a header row to facts; cells.py reads one cell as the
chat reads a typed answer; sheets.py reads xlsx/csv rows; workbook.py writes the results; batch.py runs it.
policy_diff.py compares a user's results under two knowledge bases; notifier.py plans and sends the notices
(once per kb_version.py version, resumable); subscriptions.py and sqldb.py keep them in the store's tables
(migration 0003: hashed keys, sealed chat ids); telegram_notify.py is the opt-in and the Bot API sender,
wired into the bot by bot/channels/telegram/subscribe.py.
"""
