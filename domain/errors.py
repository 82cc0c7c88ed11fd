"""Domain errors: each carries the values that explain it."""

from __future__ import annotations


class DomainError(Exception):
    """Base class of every rule the domain refuses to break."""


class IllegalTransition(DomainError):
    """A referral was asked to move between two states the status machine does not link."""

    def __init__(self, current: str, requested: str) -> None:
        super().__init__(f"illegal referral transition: {current} -> {requested}")
        self.current = current
        self.requested = requested


class NotFound(DomainError):
    def __init__(self, kind: str, key: object) -> None:
        super().__init__(f"{kind} not found: {key}")
        self.kind = kind
        self.key = key


class AccessDenied(DomainError):
    def __init__(self, actor: str, action: str, subject: str) -> None:
        super().__init__(f"{actor} may not {action} {subject}")
        self.actor = actor
        self.action = action
        self.subject = subject


class InvalidValue(DomainError):
    def __init__(self, field: str, value: object, problem: str) -> None:
        super().__init__(f"{field}: {problem} ({value!r})")
        self.field = field
        self.value = value
        self.problem = problem
