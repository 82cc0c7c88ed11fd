"""The web chat page: static files and the JSON API it uses (`/sandbox/api/...`).

The page is plain HTML/CSS/JS from `sandbox/static/`. A strict Content-Security-Policy makes
sure nothing is ever loaded from anywhere but this server. Changes reach the page as
Server-Sent Events (`/sandbox/api/events`); the page then re-reads the chats that changed.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from aiohttp import web

from sandbox.chat import PrivateChat
from sandbox.guard import is_bot_api
from sandbox.media import SAFE_IMAGE_TYPES, sniff_image_type
from sandbox.methods import commands_for
from sandbox.personas import PRESET_PLACES
from sandbox.store import JSON, StoredMessage

if TYPE_CHECKING:
    from sandbox.emulator import BotApiEmulator

STATIC = Path(__file__).parent / "static"
STATIC_FILES = {"app.js": "text/javascript", "style.css": "text/css", "index.html": "text/html"}
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
ACTION_SHOWN_FOR = timedelta(seconds=5)
HEARTBEAT_SECONDS = 10.0


def add_page_routes(app: web.Application, emulator: BotApiEmulator) -> None:
    api = PageApi(emulator)
    app.middlewares.append(api.guard)
    app.router.add_get("/", api.index)
    app.router.add_get("/static/{name}", api.static)
    app.router.add_get("/sandbox/api/setup", api.setup)
    app.router.add_get("/sandbox/api/events", api.events)
    app.router.add_get("/sandbox/api/files/{file_id}", api.file)
    app.router.add_get("/sandbox/api/chats/{chat_id}", api.chat_view)
    app.router.add_post("/sandbox/api/chats/{chat_id}/text", api.send_text)
    app.router.add_post("/sandbox/api/chats/{chat_id}/location", api.send_location)
    app.router.add_post("/sandbox/api/chats/{chat_id}/press", api.press)
    app.router.add_post("/sandbox/api/chats/{chat_id}/reply-button", api.reply_button)
    app.router.add_post("/sandbox/api/chats/{chat_id}/reset", api.reset)


class PageApi:
    def __init__(self, emulator: BotApiEmulator) -> None:
        self.emulator = emulator

    @web.middleware
    async def guard(self, request: web.Request, handler: Any) -> web.StreamResponse:
        """Page routes take JSON only and answer with the page's security headers.

        `sandbox.guard` (the emulator's outer middleware) has already refused other hosts
        and other sites' requests.
        """
        if is_bot_api(request):
            response: web.StreamResponse = await handler(request)
            return response
        if request.method == "POST" and request.content_type != "application/json":
            # A form on another site cannot send JSON without CORS: one more CSRF barrier.
            return web.json_response({"error": "JSON expected"}, status=415)
        response = await handler(request)
        for key, value in SECURITY_HEADERS.items():
            response.headers.setdefault(key, value)
        return response

    # -- files ------------------------------------------------------------------------

    async def index(self, request: web.Request) -> web.Response:
        return _static_file("index.html")

    async def static(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if name not in STATIC_FILES or name == "index.html":
            raise web.HTTPNotFound()
        return _static_file(name)

    async def file(self, request: web.Request) -> web.Response:
        stored = self.emulator.store.files.get(request.match_info["file_id"])
        if stored is None or stored.data is None:
            raise web.HTTPNotFound()
        image_type = sniff_image_type(stored.data)
        if stored.kind == "photos" and image_type in SAFE_IMAGE_TYPES:
            return web.Response(body=stored.data, content_type=image_type)
        # Anything else is offered as a download, never rendered on this origin.
        disposition = f"attachment; filename*=UTF-8''{quote(stored.filename)}"
        return web.Response(
            body=stored.data,
            content_type="application/octet-stream",
            headers={"Content-Disposition": disposition},
        )

    # -- state ------------------------------------------------------------------------

    async def setup(self, request: web.Request) -> web.Response:
        bot = self.emulator.store.bot_user
        return web.json_response(
            {
                "bot": {"first_name": bot["first_name"], "username": bot.get("username")},
                "personas": [p.to_json() for p in self.emulator.personas],
                "places": [p.to_json() for p in PRESET_PLACES],
                "bot_connected": self.emulator.bot_connected,
                "version": self.emulator.version,
            }
        )

    async def chat_view(self, request: web.Request) -> web.Response:
        chat = self._chat(request)
        return web.json_response(self.render_chat(chat))

    def render_chat(self, chat: PrivateChat) -> JSON:
        state = chat.state
        now = self.emulator.store.now()
        action = None
        if state.action and now - state.action[1] < ACTION_SHOWN_FOR:
            action = state.action[0]
        keyboard = state.reply_keyboard
        return {
            "chat_id": chat.chat_id,
            "user": chat.user,
            "messages": [self._render_message(m) for m in state.visible()],
            "reply_keyboard": chat.reply_keyboard,
            "keyboard_placeholder": (keyboard or {}).get("input_field_placeholder"),
            "action": action,
            "callback_answers": [
                {"query_id": a.query_id, "text": a.text, "show_alert": a.show_alert}
                for a in state.callback_answers[-5:]
            ],
            "commands": commands_for(self.emulator.store, state),
            "last_location": list(state.last_location) if state.last_location else None,
            "bot_connected": self.emulator.bot_connected,
        }

    def _render_message(self, message: StoredMessage) -> JSON:
        raw = message.raw
        view: JSON = {
            "id": message.message_id,
            "from_bot": message.from_bot,
            "date": raw.get("date"),
            "edited": message.edited,
            "text": raw.get("text") or raw.get("caption"),
            "entities": message.entities,
            "inline_keyboard": message.inline_keyboard,
            "force_reply": message.force_reply,
        }
        replied = raw.get("reply_to_message")
        if isinstance(replied, dict):
            view["reply_to"] = replied.get("message_id")
        if message.venue:
            view["venue"] = message.venue
        elif message.location:
            view["location"] = message.location
        if message.photo:
            view["photo"] = self._file_view(message.photo[-1]["file_id"])
        if message.document:
            view["document"] = self._file_view(message.document["file_id"])
        other = sorted(set(raw) & {"sticker", "contact", "voice", "video", "animation", "poll"})
        if other:
            view["other"] = other[0]
        return view

    def _file_view(self, file_id: str) -> JSON:
        stored = self.emulator.store.files.get(file_id)
        if stored is None:
            return {"file_name": "?", "url": None}
        return {
            "file_name": stored.filename,
            "size": len(stored.data) if stored.data is not None else None,
            "url": f"/sandbox/api/files/{quote(file_id)}" if stored.data is not None else None,
            "external_url": stored.url,
        }

    async def events(self, request: web.Request) -> web.StreamResponse:
        """Server-Sent Events: which chats changed, and whether a bot is connected."""
        response = web.StreamResponse(
            headers={"Content-Type": "text/event-stream", **SECURITY_HEADERS}
        )
        await response.prepare(request)
        emulator = self.emulator
        version = emulator.version
        connected = emulator.bot_connected
        await _send_event(response, "status", {"bot_connected": connected, "version": version})
        while True:
            woke = await emulator.wait_for_change(version, within=HEARTBEAT_SECONDS)
            if emulator.stopping:
                break
            changes = emulator.changes_since(version)
            version = emulator.version
            if changes is None or None in changes[1]:
                await _send_event(response, "change", {"all": True, "version": version})
            elif changes[1]:
                chats = sorted(c for c in changes[1] if c is not None)
                await _send_event(response, "change", {"chats": chats, "version": version})
            if not woke or emulator.bot_connected != connected:
                connected = emulator.bot_connected
                await _send_event(response, "status", {"bot_connected": connected})
        return response

    # -- user actions -----------------------------------------------------------------

    async def send_text(self, request: web.Request) -> web.Response:
        chat = self._chat(request)
        body = await _json_body(request)
        text = str(body.get("text") or "").strip()
        if not text:
            raise _bad("text is empty")
        reply_to = None
        if body.get("reply_to") is not None:
            replied = body["reply_to"]
            reply_to = chat.state.messages.get(replied) if isinstance(replied, int) else None
            if reply_to is None:
                raise _bad("reply_to is not a message of this chat")
        await chat.send_text(text[:4096], reply_to=reply_to)
        return web.json_response({"ok": True})

    async def send_location(self, request: web.Request) -> web.Response:
        chat = self._chat(request)
        latitude, longitude = _coordinates(await _json_body(request))
        await chat.send_location(latitude, longitude)
        return web.json_response({"ok": True})

    async def press(self, request: web.Request) -> web.Response:
        chat = self._chat(request)
        body = await _json_body(request)
        try:
            query_id = await chat.press_at(
                int(body["message_id"]), int(body["row"]), int(body["column"])
            )
        except (KeyError, TypeError, ValueError, LookupError) as error:
            raise _bad(str(error)) from None
        return web.json_response({"ok": True, "query_id": query_id})

    async def reply_button(self, request: web.Request) -> web.Response:
        chat = self._chat(request)
        body = await _json_body(request)
        latitude = longitude = None
        if "latitude" in body:
            latitude, longitude = _coordinates(body)
        try:
            await chat.tap_reply_button(
                str(body.get("text", "")), latitude=latitude, longitude=longitude
            )
        except (LookupError, ValueError) as error:
            raise _bad(str(error)) from None
        return web.json_response({"ok": True})

    async def reset(self, request: web.Request) -> web.Response:
        await self._chat(request).reset()
        return web.json_response({"ok": True})

    def _chat(self, request: web.Request) -> PrivateChat:
        try:
            chat_id = int(request.match_info["chat_id"])
        except ValueError:
            raise web.HTTPNotFound() from None
        chat = self.emulator.chat(chat_id)
        if chat is not None:
            return chat
        persona = next((p for p in self.emulator.personas if p.user_id == chat_id), None)
        if persona is None:
            raise web.HTTPNotFound()
        return self.emulator.persona_chat(persona)


def _static_file(name: str) -> web.Response:
    body = (STATIC / name).read_bytes()
    return web.Response(body=body, content_type=STATIC_FILES[name], charset="utf-8")


async def _send_event(response: web.StreamResponse, event: str, data: JSON) -> None:
    await response.write(f"event: {event}\ndata: {json.dumps(data)}\n\n".encode())


async def _json_body(request: web.Request) -> JSON:
    try:
        body = await request.json()
    except ValueError:
        raise _bad("invalid JSON") from None
    if not isinstance(body, dict):
        raise _bad("a JSON object is expected")
    return body


def _coordinates(body: JSON) -> tuple[float, float]:
    try:
        latitude, longitude = float(body["latitude"]), float(body["longitude"])
    except (KeyError, TypeError, ValueError):
        raise _bad("latitude and longitude are required numbers") from None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise _bad("coordinates out of range")
    return latitude, longitude


def _bad(message: str) -> web.HTTPBadRequest:
    return web.HTTPBadRequest(text=json.dumps({"error": message}), content_type="application/json")
