"""The Bot API methods the emulator answers (all but getUpdates, which waits: see emulator).

Each method reads its parameters like Telegram, applies Telegram's rules to the `Store` and
returns the `result` Telegram would return (a Message dict, True, ...), or raises `ApiError`.
"""

from __future__ import annotations

import json
import mimetypes
from collections.abc import Callable
from typing import Any

from sandbox.errors import ApiError
from sandbox.markup import formatted, reply_markup
from sandbox.media import image_size
from sandbox.params import Params, Upload
from sandbox.store import JSON, CallbackAnswer, ChatState, Store, StoredFile, StoredMessage

Method = Callable[[Store, Params], Any]

MAX_TEXT = 4096
MAX_CAPTION = 1024
CHAT_ACTIONS = {
    "typing",
    "upload_photo",
    "record_video",
    "upload_video",
    "record_voice",
    "upload_voice",
    "upload_document",
    "choose_sticker",
    "find_location",
    "record_video_note",
    "upload_video_note",
}
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)


# -- shared checks ------------------------------------------------------------------------


def _reply_to(store: Store, chat: ChatState, params: Params) -> JSON:
    reply = params.obj("reply_parameters") or {}
    message_id = reply.get("message_id") or params.integer("reply_to_message_id", required=False)
    if not message_id:
        return {}
    replied = store.message(chat, int(message_id))
    if replied is None:
        allow = reply.get("allow_sending_without_reply") or params.flag(
            "allow_sending_without_reply"
        )
        if allow:
            return {}
        raise ApiError.bad_request("message to be replied not found")
    return {"reply_to_message": {k: v for k, v in replied.raw.items() if k != "reply_to_message"}}


def _send(store: Store, params: Params, fields: JSON) -> JSON:
    chat = store.chat_for_bot(params.chat_id())
    markup, inline = reply_markup(params)
    extra = _reply_to(store, chat, params)
    if inline is not None:
        extra["reply_markup"] = inline
    message = store.add_message(
        chat, from_bot=True, fields={**fields, **extra}, reply_markup=markup
    )
    return message.raw


def _location(params: Params) -> JSON:
    latitude = params.req_number("latitude")
    longitude = params.req_number("longitude")
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ApiError.bad_request("wrong latitude/longitude")
    location: JSON = {"latitude": latitude, "longitude": longitude}
    for key in ("horizontal_accuracy", "live_period", "heading", "proximity_alert_radius"):
        if params.has(key):
            location[key] = params.req_number(key)
    return location


# -- identity, webhook, commands ----------------------------------------------------------


def get_me(store: Store, params: Params) -> JSON:
    return store.bot_user


def delete_webhook(store: Store, params: Params) -> bool:
    if params.flag("drop_pending_updates"):
        store.drop_pending_updates()
    return True


def get_webhook_info(store: Store, params: Params) -> JSON:
    return {"url": "", "has_custom_certificate": False, "pending_update_count": len(store.updates)}


def accept(store: Store, params: Params) -> bool:
    return True


def _commands_key(params: Params) -> tuple[str, str]:
    scope = params.obj("scope") or {"type": "default"}
    language = params.text("language_code", required=False) or ""
    return json.dumps(scope, sort_keys=True), language


def set_my_commands(store: Store, params: Params) -> bool:
    commands = params.array("commands", required=True) or []
    if len(commands) > 100:
        raise ApiError.bad_request("too many commands")
    for command in commands:
        name = str((command or {}).get("command", ""))
        description = str((command or {}).get("description", ""))
        valid_name = 1 <= len(name) <= 32 and all(
            c.islower() or c.isdigit() or c == "_" for c in name
        )
        if not valid_name:
            raise ApiError.bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(description) <= 256:
            raise ApiError.bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    key = _commands_key(params)
    if commands:
        store.commands[key] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
    else:
        store.commands.pop(key, None)
    store.on_change(None)
    return True


def get_my_commands(store: Store, params: Params) -> list[JSON]:
    return store.commands.get(_commands_key(params), [])


def delete_my_commands(store: Store, params: Params) -> bool:
    store.commands.pop(_commands_key(params), None)
    store.on_change(None)
    return True


def commands_for(store: Store, chat: ChatState) -> list[JSON]:
    """The command menu Telegram would show this chat's user (most specific scope first)."""
    language = str(chat.user.get("language_code") or "")[:2].lower()
    scopes = [
        {"type": "chat", "chat_id": chat.chat_id},
        {"type": "all_private_chats"},
        {"type": "default"},
    ]
    for scope in scopes:
        for code in (language, ""):
            found = store.commands.get((json.dumps(scope, sort_keys=True), code))
            if found:
                return found
    return []


def get_chat(store: Store, params: Params) -> JSON:
    chat = store.chat(params.chat_id())
    return {**chat.chat, "accent_color_id": 0, "max_reaction_count": 11}


# -- sending ------------------------------------------------------------------------------


def send_message(store: Store, params: Params) -> JSON:
    if not params.has("text"):
        raise ApiError.bad_request("message text is empty")
    fields = formatted(params, "text", MAX_TEXT)
    if not fields.get("text", "").strip():
        raise ApiError.bad_request("message text is empty")
    return _send(store, params, fields)


def send_location(store: Store, params: Params) -> JSON:
    return _send(store, params, {"location": _location(params)})


def send_venue(store: Store, params: Params) -> JSON:
    location = _location(params)
    venue: JSON = {
        "location": location,
        "title": params.req_text("title"),
        "address": params.req_text("address"),
    }
    for key in ("foursquare_id", "foursquare_type", "google_place_id", "google_place_type"):
        if params.has(key):
            venue[key] = params.req_text(key)
    return _send(store, params, {"venue": venue, "location": location})


def _file(store: Store, params: Params, name: str, kind: str) -> tuple[StoredFile, JSON]:
    given = params.upload(name)
    if given is None:
        raise ApiError.bad_request(f"there is no {name} in the request")
    if isinstance(given, Upload):
        stored = store.add_file(
            kind=kind, filename=given.filename, content_type=given.content_type, data=given.data
        )
    elif given.startswith(("http://", "https://")):
        filename = given.rsplit("/", 1)[-1] or name
        content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        stored = store.add_file(
            kind=kind, filename=filename, content_type=content_type, data=None, url=given
        )
    else:
        stored = store.file(given)
    info: JSON = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id}
    if stored.data is not None:
        info["file_size"] = len(stored.data)
    return stored, info


def send_photo(store: Store, params: Params) -> JSON:
    stored, info = _file(store, params, "photo", "photos")
    width, height = image_size(stored.data) if stored.data is not None else (0, 0)
    size = {**info, "width": width, "height": height}
    return _send(store, params, {"photo": [size], **formatted(params, "caption", MAX_CAPTION)})


def send_document(store: Store, params: Params) -> JSON:
    stored, info = _file(store, params, "document", "documents")
    document = {**info, "file_name": stored.filename, "mime_type": stored.content_type}
    fields = {"document": document, **formatted(params, "caption", MAX_CAPTION)}
    return _send(store, params, fields)


def send_chat_action(store: Store, params: Params) -> bool:
    chat = store.chat_for_bot(params.chat_id())
    action = params.req_text("action")
    if action not in CHAT_ACTIONS:
        raise ApiError.bad_request("wrong parameter action in request")
    chat.action = (action, store.now())
    store.on_change(chat.chat_id)
    return True


def get_file(store: Store, params: Params) -> JSON:
    stored = store.file(params.req_text("file_id"))
    info: JSON = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id}
    if stored.data is not None:
        info["file_size"] = len(stored.data)
        info["file_path"] = stored.file_path
    return info


# -- editing, deleting, callback answers --------------------------------------------------


def _editable(store: Store, params: Params) -> tuple[ChatState, StoredMessage]:
    if params.has("inline_message_id"):
        raise ApiError.bad_request("MESSAGE_ID_INVALID")
    chat = store.chat(params.chat_id())
    message = store.message(chat, params.req_integer("message_id"))
    if message is None:
        raise ApiError.bad_request("message to edit not found")
    if not message.from_bot:
        raise ApiError.bad_request("message can't be edited")
    return chat, message


def _apply_edit(
    store: Store, chat: ChatState, message: StoredMessage, params: Params, new: JSON
) -> JSON:
    markup, inline = reply_markup(params)
    if markup is not None and inline is None:
        raise ApiError.bad_request("inline keyboard expected")
    old = {k: message.raw.get(k) for k in (*new, "reply_markup")}
    proposed = {**{k: None for k in old}, **new, "reply_markup": inline}
    if old == proposed:
        raise ApiError.bad_request(NOT_MODIFIED)
    for key, value in proposed.items():
        if value is None:
            message.raw.pop(key, None)
        else:
            message.raw[key] = value
    message.raw["edit_date"] = int(store.now().timestamp())
    store.on_change(chat.chat_id)
    return dict(message.raw)


def edit_message_text(store: Store, params: Params) -> JSON:
    chat, message = _editable(store, params)
    if "text" not in message.raw:
        raise ApiError.bad_request("there is no text in the message to edit")
    if not params.has("text"):
        raise ApiError.bad_request("text is empty")
    fields = formatted(params, "text", MAX_TEXT)
    if not fields.get("text", "").strip():
        raise ApiError.bad_request("text is empty")
    return _apply_edit(store, chat, message, params, {"entities": None, **fields})


def edit_message_caption(store: Store, params: Params) -> JSON:
    chat, message = _editable(store, params)
    if not any(k in message.raw for k in ("photo", "document")):
        raise ApiError.bad_request("there is no caption in the message to edit")
    fields = formatted(params, "caption", MAX_CAPTION)
    return _apply_edit(
        store, chat, message, params, {"caption": None, "caption_entities": None, **fields}
    )


def edit_message_reply_markup(store: Store, params: Params) -> JSON:
    chat, message = _editable(store, params)
    return _apply_edit(store, chat, message, params, {})


def delete_message(store: Store, params: Params) -> bool:
    chat = store.chat(params.chat_id())
    store.delete(chat, params.req_integer("message_id"))
    return True


def delete_messages(store: Store, params: Params) -> bool:
    chat = store.chat(params.chat_id())
    ids = params.array("message_ids", required=True) or []
    if not 1 <= len(ids) <= 100:
        raise ApiError.bad_request("message_ids must contain 1-100 identifiers")
    for message_id in ids:
        try:
            store.delete(chat, int(message_id))
        except (ApiError, ValueError, TypeError):
            continue  # Telegram skips messages it cannot find or delete
    return True


def answer_callback_query(store: Store, params: Params) -> bool:
    query_id = params.req_text("callback_query_id")
    text = params.text("text", required=False)
    if text is not None and len(text) > 200:
        raise ApiError.bad_request("MESSAGE_TOO_LONG")
    answer = CallbackAnswer(
        query_id=query_id,
        text=text,
        show_alert=params.flag("show_alert"),
        url=params.text("url", required=False),
        answered_at=store.now(),
    )
    store.answer_callback_query(query_id, answer)
    return True


METHODS: dict[str, Method] = {
    name.lower(): method
    for name, method in {
        "getMe": get_me,
        "logOut": accept,
        "close": accept,
        "deleteWebhook": delete_webhook,
        "getWebhookInfo": get_webhook_info,
        "setMyCommands": set_my_commands,
        "getMyCommands": get_my_commands,
        "deleteMyCommands": delete_my_commands,
        "getChat": get_chat,
        "sendMessage": send_message,
        "sendLocation": send_location,
        "sendVenue": send_venue,
        "sendPhoto": send_photo,
        "sendDocument": send_document,
        "sendChatAction": send_chat_action,
        "getFile": get_file,
        "editMessageText": edit_message_text,
        "editMessageCaption": edit_message_caption,
        "editMessageReplyMarkup": edit_message_reply_markup,
        "deleteMessage": delete_message,
        "deleteMessages": delete_messages,
        "answerCallbackQuery": answer_callback_query,
    }.items()
}
