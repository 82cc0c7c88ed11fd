"""Logging that never carries message text, names or tokens.

python-telegram-bot logs whole updates (text, names) at DEBUG, and httpx logs every request
URL (the Bot API URL contains the token, Rasa's carries its token) at INFO. Those loggers are
capped here, whatever level the root logger has.
"""

from __future__ import annotations

import logging
import os

#: Third-party loggers and the most they may say.
CAPS = {
    "telegram": logging.INFO,
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "aiohttp.access": logging.WARNING,
    # "Running job ..." and "... executed successfully" at INFO for every tick of every job.
    "apscheduler": logging.WARNING,
    "sqlalchemy.engine": logging.WARNING,
}


def cap_third_party_loggers() -> None:
    for name, level in CAPS.items():
        logging.getLogger(name).setLevel(level)


class OneLine(logging.Filter):
    """A third-party error logs its exception as one line (type and message), not a
    traceback; `juntos --debug` (JUNTOS_DEBUG=1) keeps the traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        third_party = record.name.split(".")[0] in ONE_LINE
        if third_party and record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            record.msg = f"{record.getMessage()} ({type(error).__name__}: {error})"
            record.args = None
            record.exc_info = None
            record.exc_text = None
        return True


#: Loggers of libraries whose tracebacks (a Bot API that does not answer) are not bugs of ours.
ONE_LINE = ("telegram", "apscheduler")


def configure_logging(level: int = logging.INFO) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    cap_third_party_loggers()
    if os.environ.get("JUNTOS_DEBUG") != "1":
        for handler in logging.getLogger().handlers:
            if not any(isinstance(f, OneLine) for f in handler.filters):
                handler.addFilter(OneLine())
