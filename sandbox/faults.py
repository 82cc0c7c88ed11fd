"""Failures a test asks the emulator to return instead of a method's answer (429, 5xx...),
optionally after a stall (`delay`), so a client with a shorter timeout sees a timeout."""

from __future__ import annotations

from dataclasses import dataclass
from http import HTTPStatus

from sandbox.errors import ApiError


@dataclass
class Fault:
    """`times` failures of `method` (any method when None) with `status`; counts its hits."""

    method: str | None
    status: int
    description: str
    retry_after: int | None
    times: int
    hits: int = 0
    #: Seconds the emulator waits before failing (a client that gives up first sees a timeout).
    delay: float = 0.0

    @property
    def remaining(self) -> int:
        return self.times - self.hits

    def matches(self, method: str) -> bool:
        return self.remaining > 0 and (self.method is None or self.method.lower() == method)

    def error(self) -> ApiError:
        return ApiError(self.status, self.description, retry_after=self.retry_after)


def make_fault(
    method: str | None,
    status: int,
    retry_after: int | None,
    description: str | None,
    times: int,
    delay: float = 0.0,
) -> Fault:
    if times < 1:
        raise ValueError(f"times must be at least 1, got {times}")
    if delay < 0:
        raise ValueError(f"delay cannot be negative, got {delay}")
    if status == 429 and retry_after is None:
        retry_after = 1
    if description is None:
        if status == 429:
            description = f"Too Many Requests: retry after {retry_after}"
        else:
            try:
                description = HTTPStatus(status).phrase
            except ValueError:
                description = f"Error {status}"
    return Fault(method, status, description, retry_after, times, delay=delay)
