"""The Telegram-compatible Bot API server (aiohttp), its web page, and the test-side controls.

See the package docstring (`sandbox/__init__.py`) for the test API with examples.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import secrets
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Any, Self

import aiohttp
from aiohttp import web

from sandbox.chat import PrivateChat
from sandbox.errors import NOT_FOUND, UNAUTHORIZED, ApiError
from sandbox.faults import Fault, make_fault
from sandbox.guard import refusal
from sandbox.methods import METHODS
from sandbox.page import add_page_routes
from sandbox.params import Params, read_params
from sandbox.personas import PERSONAS, Persona
from sandbox.store import JSON, Clock, Store, system_clock

logger = logging.getLogger(__name__)

#: The bot id of the tokens `new_token()` makes (the sandbox bot's user id).
SANDBOX_BOT_ID = 1000000001
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
MAX_UPLOAD = 50 * 1024 * 1024
MAX_POLL_TIMEOUT = 50.0
# Telegram's default when allowed_updates is empty: everything except these three.
NOT_BY_DEFAULT = {"chat_member", "message_reaction", "message_reaction_count"}
CONFLICT = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot "
    "instance is running"
)


def new_token(bot_id: int = SANDBOX_BOT_ID) -> str:
    """A fresh random bot token (`<bot id>:<secret>`, like Telegram's) for one run."""
    return f"{bot_id}:{secrets.token_urlsafe(27)}"


def masked_token(token: str) -> str:
    """The token as it may be printed: the bot id and the first (at most 4) characters of the
    secret, never more than a quarter of it."""
    bot_id, _, secret = token.partition(":")
    return f"{bot_id}:{secret[: min(4, len(secret) // 4)]}…"


@dataclass(frozen=True)
class ApiCall:
    """One Bot API request the emulator answered (for assertions in tests)."""

    method: str
    params: JSON
    status: int
    at: datetime


class BotApiEmulator:
    def __init__(
        self,
        token: str | None = None,
        host: str = "127.0.0.1",
        port: int = 8080,
        *,
        clock: Clock | None = None,
        bot_first_name: str = "Juntos",
        bot_username: str = "juntos_sandbox_bot",
        personas: Iterable[Persona] = PERSONAS,
        flood_limit: int | None = None,
    ) -> None:
        if host not in LOOPBACK_HOSTS:
            raise ValueError(f"the sandbox listens on loopback only, not on {host!r}")
        # A fresh random token unless one is given: no page on the web can guess it.
        token = token or new_token()
        bot_id = token.split(":", 1)[0]
        if not bot_id.isdigit():
            raise ValueError("a bot token starts with the bot's numeric id and a colon")
        self.token = token
        self.host = host
        self._requested_port = port
        self.port: int | None = None
        self.personas = list(personas)
        self.store = Store(
            bot_user={
                "id": int(bot_id),
                "is_bot": True,
                "first_name": bot_first_name,
                "username": bot_username,
                "can_join_groups": False,
                "can_read_all_group_messages": False,
                "supports_inline_queries": False,
                "can_connect_to_business": False,
                "has_main_web_app": False,
            },
            clock=clock or system_clock,
            on_change=self._notify,
            on_update=self._wake,
        )
        self._chats: dict[int, PrivateChat] = {}
        self._faults: list[Fault] = []
        #: Telegram's broadcast limit, when given: more `send*` calls than this within one
        #: second answer 429 (retry after 1 s), as Telegram does; `flood_answers` counts them.
        self.flood_limit = flood_limit
        self.flood_answers = 0
        self._recent_sends: deque[float] = deque()
        self._calls: deque[ApiCall] = deque(maxlen=2000)
        self._changed = asyncio.Event()
        self._changes: deque[tuple[int, int | None]] = deque(maxlen=1000)
        self._version = 0
        self._allowed_updates: set[str] | None = None
        self._active_poll: object | None = None
        self._last_poll_end: float | None = None
        self._stopping = False
        self._runner: web.AppRunner | None = None
        #: setWebhook: where updates are posted (instead of getUpdates), and its secret.
        self._webhook: tuple[str, str | None] | None = None
        self._webhook_task: asyncio.Task[None] | None = None

    # -- lifecycle --------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application(client_max_size=MAX_UPLOAD, middlewares=[self._guard])
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        add_page_routes(app, self)
        # No access log: request paths carry the bot token.
        self._runner = web.AppRunner(
            app, access_log=None, handler_cancellation=True, shutdown_timeout=1.0
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self._requested_port)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        self._stopping = False
        logger.info("Bot API emulator listening on %s", self.page_url)

    async def stop(self) -> None:
        """Release pending long polls and page streams, then close the server."""
        self._stopping = True
        self._wake()
        await self._stop_webhook()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def stopping(self) -> bool:
        return self._stopping

    @property
    def origin(self) -> str:
        if self.port is None:
            raise RuntimeError("the emulator is not started")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def base_url(self) -> str:
        """PTB's `base_url` (the token is appended): `http://127.0.0.1:PORT/bot`."""
        return f"{self.origin}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.origin}/file/bot"

    @property
    def page_url(self) -> str:
        return f"{self.origin}/"

    # -- test controls ----------------------------------------------------------------

    def private_chat(
        self,
        user_id: int,
        first_name: str = "Usuario",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "es",
    ) -> PrivateChat:
        """The private chat of a user with the bot (created once; later calls return it)."""
        if user_id in self._chats:
            return self._chats[user_id]
        user: JSON = {"id": user_id, "is_bot": False, "first_name": first_name}
        for key, value in (
            ("last_name", last_name),
            ("username", username),
            ("language_code", language_code),
        ):
            if value:
                user[key] = value
        return self._open(user)

    def persona_chat(self, persona: Persona) -> PrivateChat:
        if persona.user_id in self._chats:
            return self._chats[persona.user_id]
        return self._open(persona.telegram_user())

    def _open(self, user: JSON) -> PrivateChat:
        state = self.store.open_chat(user)
        chat = PrivateChat(self, state)
        self._chats[state.chat_id] = chat
        return chat

    def chat(self, chat_id: int) -> PrivateChat | None:
        return self._chats.get(chat_id)

    def push_update(self, payload: JSON) -> JSON:
        """Queue any update as is (update_id added when missing); returns it."""
        return self.store.push_update(payload)

    def inject_failure(
        self,
        method: str | None = None,
        status: int = 429,
        *,
        retry_after: int | None = None,
        description: str | None = None,
        times: int = 1,
        delay: float = 0.0,
    ) -> Fault:
        """Answer the next `times` calls of `method` (None: any) with an error instead, after
        `delay` seconds (longer than the bot's timeout: the bot sees a timeout)."""
        fault = make_fault(method, status, retry_after, description, times, delay)
        self._faults.append(fault)
        return fault

    def calls(self, method: str | None = None) -> list[ApiCall]:
        """Requests answered so far (the last 2000), optionally of one method."""
        wanted = method.lower() if method else None
        return [c for c in self._calls if wanted is None or c.method.lower() == wanted]

    @property
    def pending_updates(self) -> list[JSON]:
        return list(self.store.updates)

    @property
    def poll_pending(self) -> bool:
        """Whether a getUpdates long poll is waiting right now."""
        return self._active_poll is not None

    @property
    def bot_connected(self) -> bool:
        """Whether a bot is polling now (or finished a poll in the last 15 s)."""
        if self._active_poll is not None:
            return True
        if self._last_poll_end is None:
            return False
        return asyncio.get_running_loop().time() - self._last_poll_end < 15.0

    async def wait_until(
        self,
        predicate: Callable[[], bool],
        timeout: float = 5.0,  # noqa: ASYNC109 (seconds, as the test API promises)
    ) -> None:
        """Wait until `predicate()` holds, re-checked at every change; TimeoutError after."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            changed = self._changed
            if predicate():
                return
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"condition not met within {timeout} s")
            try:
                await asyncio.wait_for(changed.wait(), remaining)
            except TimeoutError:
                continue

    # -- change notification ----------------------------------------------------------

    def _notify(self, chat_id: int | None) -> None:
        """Something the page shows changed (in one chat, or everywhere when None)."""
        self._version += 1
        self._changes.append((self._version, chat_id))
        self._wake()

    def _wake(self) -> None:
        """Wake every waiter (long polls, test waits, page streams) to re-check."""
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()

    @property
    def version(self) -> int:
        return self._version

    def changes_since(self, version: int) -> tuple[int, set[int | None]] | None:
        """(current version, chats changed after `version`); None if too old to know."""
        if self._changes and version < self._changes[0][0] - 1:
            return None
        return self._version, {chat for v, chat in self._changes if v > version}

    async def wait_for_change(self, version: int, *, within: float) -> bool:
        """Wait for the next wake-up past `version`; False when `within` seconds passed first."""
        changed = self._changed
        if self._version > version or self._stopping:
            return True
        try:
            await asyncio.wait_for(changed.wait(), within)
        except TimeoutError:
            return False
        return True

    # -- HTTP -------------------------------------------------------------------------

    @web.middleware
    async def _guard(self, request: web.Request, handler: Any) -> web.StreamResponse:
        """Refuse other hosts and other sites before anything is read (`sandbox.guard`)."""
        refused = refusal(request, self.port)
        if refused is not None:
            # Never the path: Bot API paths carry the token.
            logger.warning("Refused a request from another site or host (%s)", refused.status)
            return refused
        response: web.StreamResponse = await handler(request)
        return response

    def _token_ok(self, request: web.Request) -> bool:
        return hmac.compare_digest(request.match_info["token"].encode(), self.token.encode())

    async def _handle_api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = Params({})
        try:
            if not self._token_ok(request):
                raise UNAUTHORIZED
            params = await read_params(request)
            result = await self._call(method.lower(), params)
            body: JSON = {"ok": True, "result": result}
            status = 200
        except ApiError as error:
            body, status = error.payload(), error.status
        self._calls.append(ApiCall(method, params.as_dict(), status, self.store.now()))
        return web.json_response(body, status=status)

    def _check_flood(self, method: str) -> None:
        if self.flood_limit is None or not method.startswith("send"):
            return
        now = time.monotonic()
        while self._recent_sends and self._recent_sends[0] <= now - 1.0:
            self._recent_sends.popleft()
        if len(self._recent_sends) >= self.flood_limit:
            self.flood_answers += 1
            raise ApiError(429, "Too Many Requests: retry after 1", retry_after=1)
        self._recent_sends.append(now)

    async def _call(self, method: str, params: Params) -> Any:
        for fault in self._faults:
            if fault.matches(method):
                fault.hits += 1
                if fault.delay:
                    await asyncio.sleep(fault.delay)
                raise fault.error()
        self._check_flood(method)
        if method == "setwebhook":
            return await self._set_webhook(params)
        if method == "deletewebhook":
            await self._stop_webhook()
        if method == "getwebhookinfo" and self._webhook is not None:
            return {
                "url": self._webhook[0],
                "has_custom_certificate": False,
                "pending_update_count": len(self.store.updates),
            }
        if method == "getupdates":
            if self._webhook is not None:
                raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active")
            return await self._get_updates(params)
        handler = METHODS.get(method)
        if handler is None:
            logger.warning("Bot API method not implemented by the sandbox: %s", method[:64])
            raise NOT_FOUND
        return handler(self.store, params)

    async def _get_updates(self, params: Params) -> list[JSON]:
        offset = params.integer("offset", required=False)
        limit = min(max(params.integer("limit", required=False) or 100, 1), 100)
        timeout = min(max(params.number("timeout", required=False) or 0.0, 0.0), MAX_POLL_TIMEOUT)
        allowed = params.array("allowed_updates")
        if allowed is not None:
            self._allowed_updates = {str(kind) for kind in allowed} or None
        if offset is not None:
            self.store.confirm(offset)
        me = object()
        self._active_poll = me
        self._wake()  # wakes (and ends with a conflict) a poll still waiting
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        try:
            while True:
                changed = self._changed
                if self._active_poll is not me:
                    raise ApiError(409, CONFLICT)
                ready = self._deliverable(limit)
                remaining = deadline - loop.time()
                if ready or remaining <= 0 or self._stopping:
                    return ready
                try:
                    await asyncio.wait_for(changed.wait(), remaining)
                except TimeoutError:
                    continue
        finally:
            if self._active_poll is me:
                self._active_poll = None
            self._last_poll_end = loop.time()

    # -- webhook ----------------------------------------------------------------------

    @property
    def webhook_url(self) -> str | None:
        return self._webhook[0] if self._webhook is not None else None

    async def _set_webhook(self, params: Params) -> bool:
        url = params.text("url", required=False) or ""
        await self._stop_webhook()
        if not url:
            return True
        if params.flag("drop_pending_updates"):
            self.store.drop_pending_updates()
        self._webhook = (url, params.text("secret_token", required=False))
        self._webhook_task = asyncio.create_task(self._deliver(), name="sandbox-webhook")
        self._wake()
        return True

    async def _stop_webhook(self) -> None:
        self._webhook = None
        task, self._webhook_task = self._webhook_task, None
        if task is not None and task is not asyncio.current_task():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _deliver(self) -> None:
        """Post each pending update to the webhook, in order, as Telegram does; an update the
        bot does not acknowledge (2xx) is posted again after a pause."""
        assert self._webhook is not None
        url, secret = self._webhook
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
        async with aiohttp.ClientSession(trust_env=False) as http:
            while not self._stopping:
                changed = self._changed
                ready = self._deliverable(1)
                if not ready:
                    await changed.wait()
                    continue
                update = ready[0]
                try:
                    async with http.post(
                        url, json=update, headers=headers, timeout=aiohttp.ClientTimeout(total=10)
                    ) as response:
                        delivered = 200 <= response.status < 300
                except (aiohttp.ClientError, TimeoutError):
                    delivered = False
                if delivered:
                    self.store.confirm(int(update["update_id"]) + 1)
                    self._wake()
                else:
                    await asyncio.sleep(0.5)

    def _deliverable(self, limit: int) -> list[JSON]:
        def wanted(update: JSON) -> bool:
            kinds = set(update) - {"update_id"}
            if self._allowed_updates is None:
                return not kinds or not kinds <= NOT_BY_DEFAULT
            return not kinds or bool(kinds & self._allowed_updates)

        self.store.updates = [u for u in self.store.updates if wanted(u)]
        return self.store.updates[:limit]

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if not self._token_ok(request):
            return web.json_response(UNAUTHORIZED.payload(), status=401)
        parts = request.match_info["path"].split("/")
        stored = self.store.files.get(parts[1]) if len(parts) == 3 else None
        if stored is None or stored.data is None:
            return web.json_response(NOT_FOUND.payload() | {"description": "Not Found"}, status=404)
        return web.Response(body=stored.data, content_type="application/octet-stream")
