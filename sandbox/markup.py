"""Checks on what a bot sends: reply markup (keyboards) and formatted text, as Telegram does."""

from __future__ import annotations

from typing import Any

from sandbox.errors import ApiError
from sandbox.formatting import parse_text, utf16_len
from sandbox.params import Params
from sandbox.store import JSON

INLINE_ACTIONS = {
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
}


def reply_markup(params: Params) -> tuple[JSON | None, JSON | None]:
    """(markup as sent, inline keyboard to attach to the Message) after Telegram's checks."""
    markup = params.obj("reply_markup")
    if markup is None:
        return None, None
    if "inline_keyboard" in markup:
        _check_inline_keyboard(markup["inline_keyboard"])
        return markup, {"inline_keyboard": markup["inline_keyboard"]}
    if "keyboard" in markup:
        _check_reply_keyboard(markup["keyboard"])
        return markup, None
    if markup.get("remove_keyboard") is True or markup.get("force_reply") is True:
        return markup, None
    raise ApiError.bad_request("can't parse reply keyboard markup JSON object")


def _check_inline_keyboard(rows: Any) -> None:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise ApiError.bad_request(
            'field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays'
        )
    for row in rows:
        for button in row:
            if not isinstance(button, dict) or not button.get("text"):
                raise ApiError.bad_request("text buttons are unallowed in the inline keyboard")
            actions = INLINE_ACTIONS.intersection(button)
            if len(actions) != 1:
                raise ApiError.bad_request("text buttons are unallowed in the inline keyboard")
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= 64:
                raise ApiError.bad_request("BUTTON_DATA_INVALID")


def _check_reply_keyboard(rows: Any) -> None:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise ApiError.bad_request(
            'field "keyboard" of the ReplyKeyboardMarkup should be an Array of Arrays'
        )
    for row in rows:
        for button in row:
            text = button if isinstance(button, str) else (button or {}).get("text")
            if not text:
                raise ApiError.bad_request("keyboard button text must be non-empty")


def formatted(params: Params, key: str, limit: int) -> JSON:
    """`{key: text, key_entities: [...]}` from `key`, `parse_mode` and explicit entities."""
    raw = params.text(key, required=False) or ""
    entities_key = "entities" if key == "text" else "caption_entities"
    explicit = params.array(entities_key)
    if explicit is not None:
        text, entities = raw, explicit
    else:
        text, entities = parse_text(raw, params.text("parse_mode", required=False))
    if utf16_len(text) > limit:
        raise ApiError.bad_request(
            "message is too long" if key == "text" else "message caption is too long"
        )
    fields: JSON = {key: text} if text else {}
    if entities:
        fields[entities_key] = entities
    return fields
