"""Async client for the Rasa NLU server (`POST /model/parse`), with a timeout and a breaker.

The bot must never wait long on NLU nor depend on it: `parse` returns None whenever Rasa is
down, slow, refusing, or unsure, and the bot falls back to buttons. After a few consecutive
failures the circuit opens and calls return None at once; after `open_seconds` one trial call
is let through (half-open) and its outcome closes or re-opens the circuit.

Message text is never logged, at any level: only outcomes, status codes and timings.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

log = logging.getLogger(__name__)

#: Below this intent confidence `parse` answers None (the bot shows its menu). With the
#: logistic-regression pipeline the top intent's probability is spread over 16 classes, so
#: values under 0.4 mean the model is torn; see nlu/README.md for the held-out trade-off.
DEFAULT_THRESHOLD = 0.4


class _MaskToken(logging.Filter):
    """Mask `token=...` in httpx's request log lines (Rasa takes its token in the query)."""

    _pattern = re.compile(r"(token=)[^&\s\"']+")

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "token=" in message:
            record.msg = self._pattern.sub(r"\1***", message)
            record.args = None
        return True


def _mask_token_in_httpx_logs() -> None:
    httpx_log = logging.getLogger("httpx")
    if not any(isinstance(f, _MaskToken) for f in httpx_log.filters):
        httpx_log.addFilter(_MaskToken())


@dataclass(frozen=True)
class Entity:
    entity: str
    value: str
    start: int | None = None
    end: int | None = None
    confidence: float | None = None


@dataclass(frozen=True)
class Parse:
    intent: str
    confidence: float
    entities: tuple[Entity, ...] = ()

    def entity(self, name: str) -> str | None:
        """The value of the first entity called `name`, or None."""
        for found in self.entities:
            if found.entity == name:
                return found.value
        return None

    def values(self, name: str) -> tuple[str, ...]:
        """The values of every entity called `name`, in order, without repeats."""
        return tuple(dict.fromkeys(e.value for e in self.entities if e.entity == name))

    def span(self, name: str, text: str) -> str | None:
        """The words the first entity called `name` covers in `text`, as written.

        Rasa's synonyms apply to every entity: "Centro de Salud" typed as an organisation can
        come back with the value `health`. Names (organisations, dates) are read from the text.
        """
        for found in self.entities:
            if found.entity == name:
                if found.start is not None and found.end is not None and found.end <= len(text):
                    return text[found.start : found.end]
                return found.value
        return None


class _Breaker:
    """Consecutive-failure circuit breaker: closed -> open -> half-open (one probe) -> ..."""

    def __init__(self, failures_before_open: int, open_seconds: float, clock: Callable[[], float]):
        self._limit = failures_before_open
        self._open_seconds = open_seconds
        self._clock = clock
        self._failures = 0
        self._opened_at: float | None = None
        self._probing = False

    @property
    def is_open(self) -> bool:
        return self._opened_at is not None and (
            self._probing or self._clock() - self._opened_at < self._open_seconds
        )

    def allow(self) -> bool:
        """Whether a call may go out now; in half-open state only one probe at a time."""
        if self._opened_at is None:
            return True
        if self._probing or self._clock() - self._opened_at < self._open_seconds:
            return False
        self._probing = True
        return True

    def succeeded(self) -> None:
        if self._opened_at is not None:
            log.info("nlu circuit closed")
        self._failures = 0
        self._opened_at = None
        self._probing = False

    def abandoned(self) -> None:
        """A call ended without an outcome (cancelled): let the next call probe again."""
        self._probing = False

    def failed(self) -> None:
        self._failures += 1
        if self._probing or self._failures >= self._limit:
            if self._opened_at is None or self._probing:
                log.warning(
                    "nlu circuit open for %.0f s after %d failure(s)",
                    self._open_seconds,
                    self._failures,
                )
            self._opened_at = self._clock()
            self._probing = False


@dataclass
class _Server:
    url: str
    http: httpx.AsyncClient
    breaker: _Breaker


class NluClient:
    """Parse member text through the Rasa HTTP API of one or more servers.

    `base_url` may list several servers, comma-separated (RASA_URL): calls take turns
    (round-robin), each server has its own circuit breaker, and a call that fails on one
    server is tried on the next within the same `timeout`. A server that is down is skipped
    until its breaker lets a probe through.
    """

    def __init__(
        self,
        base_url: str,
        token: str | None,
        *,
        timeout: float = 1.5,
        threshold: float = DEFAULT_THRESHOLD,
        failures_before_open: int = 3,
        open_seconds: float = 30.0,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        urls = [url.strip().rstrip("/") for url in base_url.split(",") if url.strip()]
        if not urls:
            raise ValueError("RASA_URL names no server")
        self._timeout = timeout
        self._threshold = threshold
        self._params = {"token": token} if token else {}
        _mask_token_in_httpx_logs()
        # trust_env=False: loopback traffic must never go through a proxy (PITFALLS.md).
        self._servers = [
            _Server(
                url,
                httpx.AsyncClient(
                    base_url=url, timeout=timeout, transport=transport, trust_env=False
                ),
                _Breaker(failures_before_open, open_seconds, clock),
            )
            for url in urls
        ]
        self._turn = 0

    @property
    def servers(self) -> list[str]:
        return [server.url for server in self._servers]

    @property
    def circuit_open(self) -> bool:
        """True while calls are short-circuited (every server recently failed repeatedly)."""
        return all(server.breaker.is_open for server in self._servers)

    def server_ready(self) -> None:
        """Close the circuits now: whoever started Rasa knows it just became ready, so the
        next message need not wait out `open_seconds` of failures from while it loaded."""
        for server in self._servers:
            server.breaker.succeeded()

    def _in_turn(self) -> list[_Server]:
        first = self._turn % len(self._servers)
        self._turn = first + 1
        return self._servers[first:] + self._servers[:first]

    async def parse(self, text: str) -> Parse | None:
        """Intent and entities of `text`, or None when Rasa is unavailable or unsure."""
        if not text.strip():
            return None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._timeout
        for server in self._in_turn():
            remaining = deadline - loop.time()
            if remaining <= 0:
                break
            if not server.breaker.allow():
                continue
            result = await self._parse_on(server, text, remaining)
            if result is None:
                continue  # that server failed: the next one, within the same timeout
            if result.confidence < self._threshold:
                return None
            return result
        return None

    async def _parse_on(self, server: _Server, text: str, seconds: float) -> Parse | None:
        """The parse from `server`, or None when it failed (its breaker counts it)."""
        started = time.perf_counter()
        number = self._servers.index(server) + 1
        try:
            async with asyncio.timeout(seconds):
                response = await server.http.post(
                    "/model/parse", params=self._params, json={"text": text}
                )
            response.raise_for_status()
            result = _read_parse(response.json())
        except asyncio.CancelledError:
            server.breaker.abandoned()
            raise
        except TimeoutError:
            server.breaker.failed()
            log.warning("nlu parse timed out after %.2f s (server %d)", seconds, number)
            return None
        except httpx.HTTPStatusError as exc:
            server.breaker.failed()
            log.warning("nlu parse failed: HTTP %d (server %d)", exc.response.status_code, number)
            return None
        except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
            server.breaker.failed()
            log.warning("nlu parse failed: %s (server %d)", type(exc).__name__, number)
            return None
        server.breaker.succeeded()
        log.debug(
            "nlu parse: intent=%s confidence=%.2f entities=%d in %.1f ms (server %d)",
            result.intent,
            result.confidence,
            len(result.entities),
            (time.perf_counter() - started) * 1000,
            number,
        )
        return result

    async def aclose(self) -> None:
        for server in self._servers:
            await server.http.aclose()

    async def __aenter__(self) -> NluClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()


def _read_parse(body: Mapping[str, Any]) -> Parse:
    """Build a Parse from Rasa's JSON (raises KeyError/TypeError/ValueError when malformed)."""
    intent = body["intent"]
    name = intent.get("name") if isinstance(intent, Mapping) else None
    if not isinstance(name, str) or not name:
        raise ValueError("parse result has no intent name")
    entities = tuple(
        Entity(
            entity=str(item["entity"]),
            value=str(item["value"]),
            start=_int_or_none(item.get("start")),
            end=_int_or_none(item.get("end")),
            confidence=_float_or_none(item.get("confidence_entity")),
        )
        for item in body.get("entities") or ()
    )
    return Parse(intent=name, confidence=float(intent.get("confidence") or 0.0), entities=entities)


def _int_or_none(value: object) -> int | None:
    return value if isinstance(value, int) else None


def _float_or_none(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None
