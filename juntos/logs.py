"""Logging that never carries message text, names or tokens.

python-telegram-bot logs whole updates (text, names) at DEBUG, and httpx logs every request
URL (the Bot API URL contains the token, Rasa's carries its token) at INFO. Those loggers are
capped here, whatever level the root logger has.
"""

from __future__ import annotations

import logging

#: Third-party loggers and the most they may say.
CAPS = {
    "telegram": logging.INFO,
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "aiohttp.access": logging.WARNING,
    "apscheduler": logging.INFO,
    "sqlalchemy.engine": logging.WARNING,
}


def cap_third_party_loggers() -> None:
    for name, level in CAPS.items():
        logging.getLogger(name).setLevel(level)


def configure_logging(level: int = logging.INFO) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    cap_third_party_loggers()
