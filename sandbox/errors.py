"""Bot API errors in Telegram's shape: `{"ok": false, "error_code": N, "description": ...}`."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """A Bot API call that Telegram would refuse; becomes the JSON error response."""

    def __init__(self, status: int, description: str, *, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after

    @classmethod
    def bad_request(cls, detail: str) -> ApiError:
        return cls(400, f"Bad Request: {detail}")

    @classmethod
    def forbidden(cls, detail: str) -> ApiError:
        return cls(403, f"Forbidden: {detail}")

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


NOT_FOUND = ApiError(404, "Not Found: method not found")
UNAUTHORIZED = ApiError(401, "Unauthorized")
