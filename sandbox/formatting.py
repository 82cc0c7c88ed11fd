"""Turn `parse_mode` text into plain text + MessageEntity dicts, as Telegram does.

Telegram rejects malformed markup with `400 Bad Request: can't parse entities: ...`; the
emulator is just as strict so a bot that passes here does not fail on the real server.
Offsets and lengths are in UTF-16 code units, like Telegram's.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

from sandbox.errors import ApiError

Entity = dict[str, Any]

PARSE_MODES = {"html", "markdownv2", "markdown"}
MARKDOWN_V2_RESERVED = set("_*[]()~`>#+-=|{}.!")
_COMMAND = re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\w/])")
_URL = re.compile(r"\bhttps?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]]")


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def parse_text(text: str, parse_mode: str | None) -> tuple[str, list[Entity]]:
    """Plain text and its entities for `text` sent with `parse_mode` (None = plain)."""
    if not parse_mode:
        return text, []
    mode = parse_mode.lower()
    if mode == "html":
        return _parse_html(text)
    if mode == "markdownv2":
        return _MarkdownParser(text, v2=True).parse()
    if mode == "markdown":
        return _MarkdownParser(text, v2=False).parse()
    raise ApiError.bad_request(f"unsupported parse_mode {parse_mode!r}")


def add_automatic_entities(text: str, entities: list[Entity]) -> list[Entity]:
    """Add the bot_command and url entities Telegram detects, where no entity is already."""
    taken = [(e["offset"], e["offset"] + e["length"]) for e in entities]
    found: list[Entity] = []
    for kind, pattern in (("bot_command", _COMMAND), ("url", _URL)):
        for match in pattern.finditer(text):
            start = utf16_len(text[: match.start()])
            end = start + utf16_len(match.group())
            if any(start < b and a < end for a, b in taken):
                continue
            taken.append((start, end))
            found.append({"type": kind, "offset": start, "length": end - start})
    return sorted([*entities, *found], key=lambda e: (e["offset"], -e["length"]))


def _cant_parse(detail: str) -> ApiError:
    return ApiError.bad_request(f"can't parse entities: {detail}")


# -- HTML ---------------------------------------------------------------------------------

_HTML_SIMPLE = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
}


class _HtmlEntities(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.length = 0
        self.stack: list[tuple[str, Entity]] = []
        self.entities: list[Entity] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        entity: Entity
        if tag in _HTML_SIMPLE:
            entity = {"type": _HTML_SIMPLE[tag]}
            language = values.get("class", "")
            if tag == "code" and language.startswith("language-") and self._inside("pre"):
                self._set_pre_language(language.removeprefix("language-"))
        elif tag == "span" and values.get("class") == "tg-spoiler":
            entity = {"type": "spoiler"}
        elif tag == "a" and "href" in values:
            entity = {"type": "text_link", "url": values["href"]}
        elif tag == "blockquote":
            kind = "expandable_blockquote" if "expandable" in values else "blockquote"
            entity = {"type": kind}
        elif tag == "tg-emoji" and "emoji-id" in values:
            entity = {"type": "custom_emoji", "custom_emoji_id": values["emoji-id"]}
        else:
            raise _cant_parse(f'Unsupported start tag "{tag}"')
        entity["offset"] = self.length
        self.stack.append((tag, entity))

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1][0] != tag:
            expected = f'"</{self.stack[-1][0]}>"' if self.stack else "no end tag"
            raise _cant_parse(f'Unmatched end tag "</{tag}>", expected {expected}')
        _, entity = self.stack.pop()
        entity["length"] = self.length - entity["offset"]
        if entity["length"] > 0:
            self.entities.append(entity)

    def handle_data(self, data: str) -> None:
        self.parts.append(data)
        self.length += utf16_len(data)

    def _inside(self, tag: str) -> bool:
        return any(name == tag for name, _ in self.stack)

    def _set_pre_language(self, language: str) -> None:
        for name, entity in reversed(self.stack):
            if name == "pre":
                entity["language"] = language
                return


def _parse_html(text: str) -> tuple[str, list[Entity]]:
    parser = _HtmlEntities()
    parser.feed(text)
    parser.close()
    if parser.stack:
        raise _cant_parse(f'Can\'t find end tag corresponding to start tag "{parser.stack[-1][0]}"')
    # A <code> directly inside <pre> is the pre block's language marker, not its own entity.
    entities = [
        e
        for e in parser.entities
        if not (
            e["type"] == "code"
            and any(
                p["type"] == "pre" and p["offset"] == e["offset"] and p["length"] == e["length"]
                for p in parser.entities
            )
        )
    ]
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(parser.parts), entities


# -- Markdown and MarkdownV2 --------------------------------------------------------------

_V2_TOGGLES = {"*": "bold", "_": "italic", "__": "underline", "~": "strikethrough", "||": "spoiler"}
_V1_TOGGLES = {"*": "bold", "_": "italic"}


class _MarkdownParser:
    def __init__(self, source: str, *, v2: bool) -> None:
        self.src = source
        self.v2 = v2
        self.i = 0
        self.parts: list[str] = []
        self.length = 0
        self.stack: list[tuple[str, int, int]] = []  # (marker, utf16 offset, source index)
        self.entities: list[Entity] = []

    def parse(self) -> tuple[str, list[Entity]]:
        toggles = _V2_TOGGLES if self.v2 else _V1_TOGGLES
        while self.i < len(self.src):
            char = self.src[self.i]
            if char == "\\" and self._escapable():
                self._emit(self.src[self.i + 1])
                self.i += 2
            elif char == "`":
                self._code()
            elif char == "[":
                self.stack.append(("[", self.length, self.i))
                self.i += 1
            elif char == "]" and self.stack and self.stack[-1][0] == "[":
                self._link_end()
            elif (marker := self._toggle_marker(toggles)) is not None:
                self._toggle(marker, toggles[marker])
            elif self.v2 and char in MARKDOWN_V2_RESERVED:
                raise _cant_parse(
                    f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
                )
            else:
                self._emit(char)
                self.i += 1
        if self.stack:
            marker, _, index = self.stack[-1]
            raise _cant_parse(f"Can't find end of the entity starting at byte offset {index}")
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.parts), self.entities

    def _escapable(self) -> bool:
        if self.i + 1 >= len(self.src):
            return False
        following = self.src[self.i + 1]
        return (0 < ord(following) < 127) if self.v2 else following in "_*`["

    def _emit(self, text: str) -> None:
        self.parts.append(text)
        self.length += utf16_len(text)

    def _toggle_marker(self, toggles: dict[str, str]) -> str | None:
        for marker in sorted(toggles, key=len, reverse=True):
            if self.src.startswith(marker, self.i):
                return marker
        return None

    def _toggle(self, marker: str, kind: str) -> None:
        self.i += len(marker)
        if self.stack and self.stack[-1][0] == marker:
            _, offset, _ = self.stack.pop()
            self._add(kind, offset)
        elif any(entry[0] == marker for entry in self.stack):
            raise _cant_parse(f"Can't find end of {kind} entity at byte offset {self.i}")
        else:
            self.stack.append((marker, self.length, self.i - len(marker)))

    def _add(self, kind: str, offset: int, **extra: Any) -> None:
        if self.length > offset:
            self.entities.append({"type": kind, "offset": offset, "length": self.length - offset})
            self.entities[-1].update(extra)

    def _code(self) -> None:
        fence = "```" if self.src.startswith("```", self.i) else "`"
        start = self.i
        self.i += len(fence)
        language = ""
        if fence == "```":
            newline = self.src.find("\n", self.i)
            first_line = self.src[self.i : newline] if newline >= 0 else ""
            if newline >= 0 and first_line and " " not in first_line:
                language = first_line
                self.i = newline + 1
            elif newline == self.i:
                self.i += 1
        offset = self.length
        while not self.src.startswith(fence, self.i):
            if self.i >= len(self.src):
                raise _cant_parse(f"Can't find end of the entity starting at byte offset {start}")
            if self.v2 and self.src[self.i] == "\\" and self.i + 1 < len(self.src):
                self.i += 1
            self._emit(self.src[self.i])
            self.i += 1
        self.i += len(fence)
        if fence == "`":
            self._add("code", offset)
        elif language:
            self._add("pre", offset, language=language)
        else:
            self._add("pre", offset)

    def _link_end(self) -> None:
        _, offset, start = self.stack.pop()
        self.i += 1
        if not self.src.startswith("(", self.i):
            raise _cant_parse(f"Can't find end of the entity starting at byte offset {start}")
        url: list[str] = []
        j = self.i + 1
        while j < len(self.src) and self.src[j] != ")":
            if self.src[j] == "\\" and j + 1 < len(self.src):
                j += 1
            url.append(self.src[j])
            j += 1
        if j >= len(self.src):
            raise _cant_parse(f"Can't find end of a URL at byte offset {self.i}")
        self.i = j + 1
        self._add("text_link", offset, url="".join(url))
