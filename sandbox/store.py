"""What the fake Telegram remembers: chats, their messages, pending updates and files.

Pure state and Telegram's rules on it, no I/O. Every mutation calls `on_change(chat_id)` so the
emulator can wake long polls, test waits and the web page.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sandbox.errors import ApiError
from sandbox.formatting import add_automatic_entities

JSON = dict[str, Any]
Clock = Callable[[], datetime]
# Telegram lets bots delete messages in private chats only while they are under 48 hours old.
DELETE_WINDOW = timedelta(hours=48)
MAX_PENDING_UPDATES = 10_000


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass(eq=False)
class StoredMessage:
    """One message in a chat, as Telegram's `Message` object (`raw`) plus sandbox state."""

    chat_id: int
    message_id: int
    from_bot: bool
    raw: JSON
    sent_at: datetime
    deleted: bool = False
    # A reply keyboard is not part of Telegram's Message object; kept for the page and tests.
    reply_markup_sent: JSON | None = None

    @property
    def text(self) -> str | None:
        value = self.raw.get("text")
        return value if isinstance(value, str) else None

    @property
    def caption(self) -> str | None:
        value = self.raw.get("caption")
        return value if isinstance(value, str) else None

    @property
    def entities(self) -> list[JSON]:
        return list(self.raw.get("entities") or self.raw.get("caption_entities") or [])

    @property
    def edited(self) -> bool:
        return "edit_date" in self.raw

    @property
    def inline_keyboard(self) -> list[list[JSON]]:
        markup = self.raw.get("reply_markup") or {}
        return list(markup.get("inline_keyboard") or [])

    @property
    def buttons(self) -> list[JSON]:
        """The inline keyboard's buttons, row after row."""
        return [button for row in self.inline_keyboard for button in row]

    @property
    def button_texts(self) -> list[str]:
        return [str(button.get("text")) for button in self.buttons]

    @property
    def callback_data(self) -> list[str]:
        return [str(b["callback_data"]) for b in self.buttons if "callback_data" in b]

    @property
    def force_reply(self) -> bool:
        """The bot asked for an answer to this message (the app opens a reply to it)."""
        return bool((self.reply_markup_sent or {}).get("force_reply"))

    @property
    def reply_keyboard(self) -> list[list[JSON]]:
        """The reply keyboard sent with this message (buttons as dicts), if any."""
        rows = (self.reply_markup_sent or {}).get("keyboard") or []
        return [[_button(b) for b in row] for row in rows]

    @property
    def location(self) -> JSON | None:
        value = self.raw.get("location")
        return value if isinstance(value, dict) else None

    @property
    def venue(self) -> JSON | None:
        value = self.raw.get("venue")
        return value if isinstance(value, dict) else None

    @property
    def photo(self) -> list[JSON] | None:
        value = self.raw.get("photo")
        return value if isinstance(value, list) else None

    @property
    def document(self) -> JSON | None:
        value = self.raw.get("document")
        return value if isinstance(value, dict) else None

    def __repr__(self) -> str:
        side = "bot" if self.from_bot else "user"
        kinds = [k for k in ("text", "location", "venue", "photo", "document") if k in self.raw]
        state = " deleted" if self.deleted else ""
        return f"<StoredMessage {self.chat_id}/{self.message_id} {side} {kinds}{state}>"


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    kind: str
    filename: str
    content_type: str
    data: bytes | None  # None for files given by URL: the sandbox never fetches them
    url: str | None = None

    @property
    def file_path(self) -> str:
        return f"{self.kind}/{self.file_id}/{self.filename}"


@dataclass
class CallbackAnswer:
    query_id: str
    text: str | None
    show_alert: bool
    url: str | None
    answered_at: datetime


@dataclass
class ChatState:
    chat_id: int
    user: JSON
    messages: dict[int, StoredMessage] = field(default_factory=dict)
    next_message_id: int = 1
    reply_keyboard: JSON | None = None
    action: tuple[str, datetime] | None = None
    callback_answers: list[CallbackAnswer] = field(default_factory=list)
    blocked: bool = False
    last_location: tuple[float, float] | None = None

    @property
    def chat(self) -> JSON:
        chat: JSON = {"id": self.chat_id, "type": "private"}
        for key in ("first_name", "last_name", "username"):
            if key in self.user:
                chat[key] = self.user[key]
        return chat

    def visible(self) -> list[StoredMessage]:
        return [m for m in self.messages.values() if not m.deleted]

    def bot_messages(self) -> list[StoredMessage]:
        """Every message the bot sent here, in order, deleted ones included."""
        return [m for m in self.messages.values() if m.from_bot]


class Store:
    def __init__(
        self,
        *,
        bot_user: JSON,
        clock: Clock,
        on_change: Callable[[int | None], None],
        on_update: Callable[[], None],
    ) -> None:
        self.bot_user = bot_user
        self.clock = clock
        self.on_change = on_change  # a chat (or, with None, every chat) looks different
        self.on_update = on_update  # an update is waiting for the bot
        self.chats: dict[int, ChatState] = {}
        self.updates: list[JSON] = []
        self._update_ids = itertools.count(1)
        self.files: dict[str, StoredFile] = {}
        self._file_numbers = itertools.count(1)
        self.commands: dict[tuple[str, str], list[JSON]] = {}
        self.callback_queries: dict[str, tuple[int, bool]] = {}  # id -> (chat_id, answered)
        self._query_numbers = itertools.count(4_000_000_001)

    def now(self) -> datetime:
        return self.clock()

    # -- chats and messages ------------------------------------------------------------

    def open_chat(self, user: JSON) -> ChatState:
        chat_id = int(user["id"])
        if chat_id not in self.chats:
            self.chats[chat_id] = ChatState(chat_id=chat_id, user=user)
            self.on_change(chat_id)
        return self.chats[chat_id]

    def chat(self, chat_id: int) -> ChatState:
        chat = self.chats.get(chat_id)
        if chat is None:
            raise ApiError.bad_request("chat not found")
        return chat

    def chat_for_bot(self, chat_id: int) -> ChatState:
        """The chat a bot sends to: it must exist and must not have blocked the bot."""
        chat = self.chat(chat_id)
        if chat.blocked:
            raise ApiError.forbidden("bot was blocked by the user")
        return chat

    def add_message(
        self, chat: ChatState, *, from_bot: bool, fields: JSON, reply_markup: JSON | None = None
    ) -> StoredMessage:
        now = self.now()
        raw: JSON = {
            "message_id": chat.next_message_id,
            "from": self.bot_user if from_bot else chat.user,
            "chat": chat.chat,
            "date": int(now.timestamp()),
            **fields,
        }
        for text_key, entities_key in (("text", "entities"), ("caption", "caption_entities")):
            if isinstance(raw.get(text_key), str):
                entities = add_automatic_entities(raw[text_key], raw.get(entities_key) or [])
                if entities:
                    raw[entities_key] = entities
        message = StoredMessage(
            chat_id=chat.chat_id,
            message_id=chat.next_message_id,
            from_bot=from_bot,
            raw=raw,
            sent_at=now,
            reply_markup_sent=reply_markup,
        )
        chat.messages[message.message_id] = message
        chat.next_message_id += 1
        if from_bot:
            chat.action = None  # as in Telegram, a message ends the "typing..." status
            if reply_markup is not None:
                self._apply_reply_markup(chat, reply_markup)
        if not from_bot and "location" in fields:
            location = fields["location"]
            chat.last_location = (location["latitude"], location["longitude"])
        self.on_change(chat.chat_id)
        return message

    def _apply_reply_markup(self, chat: ChatState, markup: JSON) -> None:
        if "keyboard" in markup:
            chat.reply_keyboard = markup
        elif markup.get("remove_keyboard"):
            chat.reply_keyboard = None

    def message(self, chat: ChatState, message_id: int) -> StoredMessage | None:
        message = chat.messages.get(message_id)
        return None if message is None or message.deleted else message

    def delete(self, chat: ChatState, message_id: int) -> None:
        message = self.message(chat, message_id)
        if message is None:
            raise ApiError.bad_request("message to delete not found")
        if self.now() - message.sent_at >= DELETE_WINDOW:
            raise ApiError.bad_request("message can't be deleted")
        message.deleted = True
        self.on_change(chat.chat_id)

    def reset(self, chat: ChatState) -> None:
        """Clear the chat's history on the user's side (the bot keeps its own state)."""
        for message in chat.messages.values():
            message.deleted = True
        chat.reply_keyboard = None
        chat.action = None
        chat.last_location = None
        self.on_change(chat.chat_id)

    # -- updates ----------------------------------------------------------------------

    def push_update(self, payload: JSON) -> JSON:
        """Queue an update (any shape: tests send malformed ones on purpose)."""
        update = dict(payload)
        update.setdefault("update_id", next(self._update_ids))
        self.updates.append(update)
        del self.updates[:-MAX_PENDING_UPDATES]
        self.on_update()
        return update

    def confirm(self, offset: int) -> None:
        """Forget updates below `offset`; a negative offset keeps only the last -offset."""
        if offset < 0:
            del self.updates[:offset]
        else:
            self.updates = [u for u in self.updates if int(u.get("update_id", 0)) >= offset]

    def drop_pending_updates(self) -> None:
        self.updates.clear()

    def new_callback_query_id(self, chat_id: int) -> str:
        query_id = str(next(self._query_numbers))
        self.callback_queries[query_id] = (chat_id, False)
        return query_id

    def answer_callback_query(self, query_id: str, answer: CallbackAnswer) -> None:
        known = self.callback_queries.get(query_id)
        if known is None or known[1]:
            raise ApiError.bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        chat_id, _ = known
        self.callback_queries[query_id] = (chat_id, True)
        self.chats[chat_id].callback_answers.append(answer)
        self.on_change(chat_id)

    # -- files ------------------------------------------------------------------------

    def add_file(
        self,
        *,
        kind: str,
        filename: str,
        content_type: str,
        data: bytes | None,
        url: str | None = None,
    ) -> StoredFile:
        number = next(self._file_numbers)
        stored = StoredFile(
            file_id=f"sbx{kind[:3]}{number:06d}",
            file_unique_id=f"u{number:06d}",
            kind=kind,
            filename=filename,
            content_type=content_type,
            data=data,
            url=url,
        )
        self.files[stored.file_id] = stored
        return stored

    def file(self, file_id: str) -> StoredFile:
        stored = self.files.get(file_id)
        if stored is None:
            raise ApiError.bad_request("wrong file identifier/HTTP URL specified")
        return stored


def _button(button: Any) -> JSON:
    return {"text": button} if isinstance(button, str) else dict(button)
