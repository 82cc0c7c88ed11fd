"""Read Bot API parameters the way Telegram does.

A request may carry its parameters in the query string, a form-urlencoded or multipart body
(where every non-string value is JSON-encoded, e.g. `reply_markup`), or a JSON body (native
values). `Params` gives typed access over all three and raises `ApiError` (400) on missing or
invalid values.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from sandbox.errors import ApiError


@dataclass(frozen=True)
class Upload:
    """A file sent in a multipart body."""

    filename: str
    content_type: str
    data: bytes


class Params:
    def __init__(self, values: Mapping[str, Any], uploads: Mapping[str, Upload] | None = None):
        self._values = dict(values)
        self._uploads = dict(uploads or {})

    def as_dict(self) -> dict[str, Any]:
        """The decoded parameters (uploads shown by file name), for test assertions."""
        decoded: dict[str, Any] = {}
        for name, value in self._values.items():
            decoded[name] = _maybe_json(value)
        for name, upload in self._uploads.items():
            decoded.setdefault(name, f"<upload {upload.filename}>")
        return decoded

    def has(self, name: str) -> bool:
        return self._values.get(name) not in (None, "") or name in self._uploads

    def _raw(self, name: str, required: bool) -> Any:
        value = self._values.get(name)
        if value is None or value == "":
            if required:
                raise ApiError.bad_request(f"{name} is empty")
            return None
        return value

    def text(self, name: str, *, required: bool = True) -> str | None:
        value = self._raw(name, required)
        if value is None:
            return None
        if isinstance(value, str):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        raise ApiError.bad_request(f'field "{name}" must be of type String')

    def req_text(self, name: str) -> str:
        value = self.text(name)
        assert value is not None
        return value

    def integer(self, name: str, *, required: bool = True) -> int | None:
        value = self._raw(name, required)
        if value is None:
            return None
        if isinstance(value, bool):
            raise ApiError.bad_request(f'field "{name}" must be of type Integer')
        if isinstance(value, int):
            return value
        try:
            return int(str(value).strip())
        except ValueError:
            raise ApiError.bad_request(f'field "{name}" must be of type Integer') from None

    def req_integer(self, name: str) -> int:
        value = self.integer(name)
        assert value is not None
        return value

    def number(self, name: str, *, required: bool = True) -> float | None:
        value = self._raw(name, required)
        if value is None:
            return None
        try:
            return float(value)
        except (TypeError, ValueError):
            raise ApiError.bad_request(f'field "{name}" must be of type Float') from None

    def req_number(self, name: str) -> float:
        value = self.number(name)
        assert value is not None
        return value

    def flag(self, name: str, *, default: bool = False) -> bool:
        value = self._raw(name, False)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("true", "1"):
            return True
        if text in ("false", "0"):
            return False
        raise ApiError.bad_request(f'field "{name}" must be of type Boolean')

    def obj(self, name: str) -> dict[str, Any] | None:
        value = self._json(name)
        if value is not None and not isinstance(value, dict):
            raise ApiError.bad_request(f"{name} must be an object")
        return value

    def array(self, name: str, *, required: bool = False) -> list[Any] | None:
        value = self._json(name, required=required)
        if value is not None and not isinstance(value, list):
            raise ApiError.bad_request(f"{name} must be an array")
        return value

    def _json(self, name: str, *, required: bool = False) -> Any:
        value = self._raw(name, required)
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                raise ApiError.bad_request(f"can't parse {name} JSON object") from None
        return value

    def chat_id(self) -> int:
        """`chat_id`: private chats are addressed by number; `@username` names no chat here."""
        value = self._raw("chat_id", True)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        text = str(value).strip()
        try:
            return int(text)
        except ValueError:
            raise ApiError.bad_request("chat not found") from None

    def upload(self, name: str) -> Upload | str | None:
        """A file parameter: an uploaded part, or a string (file_id or HTTP URL)."""
        if name in self._uploads:
            return self._uploads[name]
        value = self.text(name, required=False)
        if value is None:
            return None
        if value.startswith("attach://"):
            attached = self._uploads.get(value.removeprefix("attach://"))
            if attached is None:
                raise ApiError.bad_request(f"wrong file attachment for {name}")
            return attached
        return value


def _maybe_json(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


async def read_params(request: web.Request) -> Params:
    """Query string, then form/multipart fields or a JSON body (body values win)."""
    values: dict[str, Any] = dict(request.query)
    uploads: dict[str, Upload] = {}
    if request.method == "POST" and request.can_read_body:
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise ApiError.bad_request("can't parse JSON body") from None
            if not isinstance(body, dict):
                raise ApiError.bad_request("JSON body must be an object")
            values.update(body)
        else:
            form = await request.post()
            for name, value in form.items():
                if isinstance(value, web.FileField):
                    uploads[name] = Upload(
                        filename=value.filename or name,
                        content_type=value.content_type or "application/octet-stream",
                        data=value.file.read(),
                    )
                else:
                    values[name] = value
    return Params(values, uploads)
