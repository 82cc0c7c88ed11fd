"""Composition root: settings, CLI and the wiring of bot, storage, NLU and sandbox."""

import os

# python-telegram-bot 22 warns (a deprecation, on every 429) that time periods such as
# RetryAfter.retry_after become timedeltas in version 23: opt in now (bot/sending.py reads both).
os.environ.setdefault("PTB_TIMEDELTA", "1")
