"""The user's side of a private chat: what a person does in Telegram, as test calls.

Used by tests (`emulator.private_chat(...)`) and by the web page's JSON API alike.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sandbox.store import JSON, CallbackAnswer, ChatState, Store, StoredMessage

if TYPE_CHECKING:
    from sandbox.emulator import BotApiEmulator


class PrivateChat:
    def __init__(self, emulator: BotApiEmulator, state: ChatState) -> None:
        self._emulator = emulator
        self.state = state
        self._bot_cursor = 0

    @property
    def chat_id(self) -> int:
        return self.state.chat_id

    @property
    def user(self) -> JSON:
        return self.state.user

    @property
    def _store(self) -> Store:
        return self._emulator.store

    # -- what the user does -----------------------------------------------------------

    async def send_text(self, text: str, *, reply_to: StoredMessage | None = None) -> StoredMessage:
        """Send a text message (a leading /command gets its bot_command entity, as in Telegram),
        optionally as a reply to one of the chat's messages (what a "force reply" prompt asks)."""
        if not text.strip():
            raise ValueError("Telegram does not send empty messages")
        fields: JSON = {"text": text}
        if reply_to is not None:
            fields["reply_to_message"] = {
                k: v for k, v in reply_to.raw.items() if k != "reply_to_message"
            }
        return self._user_message(fields)

    async def send_location(
        self,
        latitude: float,
        longitude: float,
        *,
        live_period: int | None = None,
        horizontal_accuracy: float | None = None,
    ) -> StoredMessage:
        location: JSON = {"latitude": latitude, "longitude": longitude}
        if live_period is not None:
            location["live_period"] = live_period
        if horizontal_accuracy is not None:
            location["horizontal_accuracy"] = horizontal_accuracy
        return self._user_message({"location": location})

    async def send_message(self, **fields: Any) -> StoredMessage:
        """Send a message with any content, e.g. `send_message(sticker={...})` (no text)."""
        return self._user_message(fields)

    async def edit_location(
        self, message: StoredMessage, latitude: float, longitude: float
    ) -> JSON:
        """Move a live location: an `edited_message` update, as Telegram sends them."""
        location = {**(message.location or {}), "latitude": latitude, "longitude": longitude}
        message.raw["location"] = location
        message.raw["edit_date"] = int(self._store.now().timestamp())
        self.state.last_location = (latitude, longitude)
        self._store.on_change(self.chat_id)
        return self._emulator.push_update({"edited_message": copy.deepcopy(message.raw)})

    async def press(self, target: str) -> str:
        """Press the inline button whose callback_data (or else text) is `target`.

        Looks at the newest visible bot message first. Returns the callback query id.
        """
        for message in reversed(self.state.visible()):
            if not message.from_bot:
                continue
            for by in ("callback_data", "text"):
                for row_index, row in enumerate(message.inline_keyboard):
                    for col_index, button in enumerate(row):
                        if button.get(by) == target:
                            return await self.press_at(message.message_id, row_index, col_index)
        available = [m.callback_data or m.button_texts for m in self.state.visible() if m.buttons]
        raise LookupError(f"no inline button {target!r} in this chat; buttons: {available}")

    async def press_at(self, message_id: int, row: int, column: int) -> str:
        """Press the inline button at (row, column) of a bot message."""
        message = self._store.message(self.state, message_id)
        if message is None or not message.from_bot:
            raise LookupError(f"no bot message {message_id} in chat {self.chat_id}")
        try:
            button = message.inline_keyboard[row][column]
        except IndexError:
            raise LookupError(f"message {message_id} has no button at {row},{column}") from None
        if "callback_data" not in button:
            raise ValueError("only callback buttons can be pressed in the sandbox")
        return self._callback_query(str(button["callback_data"]), message)

    async def forge_callback_query(self, data: str, message: StoredMessage | None = None) -> str:
        """A callback query with any data (as a tampered client could send)."""
        if message is None:
            bot_messages = [m for m in self.state.visible() if m.from_bot]
            message = bot_messages[-1] if bot_messages else None
        return self._callback_query(data, message)

    async def tap_reply_button(
        self, text: str, *, latitude: float | None = None, longitude: float | None = None
    ) -> StoredMessage:
        """Tap a button of the reply keyboard on screen (a location button needs coordinates)."""
        keyboard = self.state.reply_keyboard
        buttons = [
            {"text": b} if isinstance(b, str) else b
            for row in (keyboard or {}).get("keyboard", [])
            for b in row
        ]
        button = next((b for b in buttons if b.get("text") == text), None)
        if keyboard is None or button is None:
            shown = [b.get("text") for b in buttons]
            raise LookupError(f"no reply button {text!r} on screen; shown: {shown}")
        if button.get("request_location") and (latitude is None or longitude is None):
            raise ValueError(f"{text!r} shares a location: pass latitude and longitude")
        if keyboard.get("one_time_keyboard"):
            self.state.reply_keyboard = None
        if button.get("request_location"):
            assert latitude is not None
            assert longitude is not None
            return await self.send_location(latitude, longitude)
        if button.get("request_contact"):
            contact = {
                "phone_number": "+520000000000",
                "first_name": self.user["first_name"],
                "user_id": self.chat_id,
            }
            return self._user_message({"contact": contact})
        return await self.send_text(text)

    async def reset(self) -> None:
        """Clear this chat's history on the user's screen."""
        self._store.reset(self.state)
        self._bot_cursor = len(self.state.bot_messages())

    def block(self, blocked: bool = True) -> None:
        """The user blocks (or unblocks) the bot: sends fail with 403 Forbidden."""
        self.state.blocked = blocked

    # -- what the user sees -----------------------------------------------------------

    def visible_messages(self) -> list[StoredMessage]:
        """The history on screen, both sides, deleted ones gone and edits applied."""
        return self.state.visible()

    def bot_messages(self) -> list[StoredMessage]:
        """Every message the bot sent to this chat (deleted ones included, marked)."""
        return self.state.bot_messages()

    @property
    def reply_keyboard(self) -> list[list[JSON]] | None:
        """The reply keyboard on screen, rows of button dicts, or None."""
        keyboard = self.state.reply_keyboard
        if keyboard is None:
            return None
        return [
            [{"text": b} if isinstance(b, str) else dict(b) for b in row]
            for row in keyboard.get("keyboard", [])
        ]

    @property
    def chat_action(self) -> str | None:
        """The last chat action the bot sent (e.g. "typing"), if any."""
        return self.state.action[0] if self.state.action else None

    @property
    def callback_answers(self) -> list[CallbackAnswer]:
        return list(self.state.callback_answers)

    async def wait_for_bot_messages(
        self,
        count: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109 (seconds, as the test API promises)
    ) -> list[StoredMessage]:
        """The next `count` bot messages sent since the previous wait (or the chat's start).

        Messages are live views: later edits and deletions show on them.
        """
        try:
            await self._emulator.wait_until(
                lambda: len(self.state.bot_messages()) - self._bot_cursor >= count, timeout
            )
        except TimeoutError:
            got = self.state.bot_messages()[self._bot_cursor :]
            texts = [m.text for m in got]
            raise TimeoutError(
                f"expected {count} new bot message(s) in chat {self.chat_id} within {timeout} s, "
                f"got {len(got)}: {texts}"
            ) from None
        start = self._bot_cursor
        self._bot_cursor += count
        return self.state.bot_messages()[start : self._bot_cursor]

    def unread_bot_messages(self) -> list[StoredMessage]:
        """Bot messages sent since the last wait, without waiting or consuming them."""
        return self.state.bot_messages()[self._bot_cursor :]

    async def wait_for_callback_answer(
        self,
        query_id: str,
        timeout: float = 5.0,  # noqa: ASYNC109 (seconds, as the test API promises)
    ) -> CallbackAnswer:
        def answered() -> bool:
            return any(a.query_id == query_id for a in self.state.callback_answers)

        await self._emulator.wait_until(answered, timeout)
        return next(a for a in self.state.callback_answers if a.query_id == query_id)

    async def wait_until(
        self,
        predicate: Callable[[], bool],
        timeout: float = 5.0,  # noqa: ASYNC109 (seconds, as the test API promises)
    ) -> None:
        """Wait until `predicate()` holds (re-checked on every change in the emulator)."""
        await self._emulator.wait_until(predicate, timeout)

    # -- internals --------------------------------------------------------------------

    def _user_message(self, fields: JSON) -> StoredMessage:
        message = self._store.add_message(self.state, from_bot=False, fields=fields)
        self._emulator.push_update({"message": copy.deepcopy(message.raw)})
        return message

    def _callback_query(self, data: str, message: StoredMessage | None) -> str:
        query_id = self._store.new_callback_query_id(self.chat_id)
        query: JSON = {
            "id": query_id,
            "from": self.user,
            "chat_instance": str(self.chat_id * 7919),
            "data": data,
        }
        if message is not None:
            query["message"] = copy.deepcopy(message.raw)
        self._emulator.push_update({"callback_query": query})
        return query_id
