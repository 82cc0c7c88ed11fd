"""Who may talk to the sandbox: its own page, and bots (programs, not browsers).

The sandbox listens on 127.0.0.1, yet any web page open in another tab of the same computer
can reach it: by DNS rebinding (a name of the attacker's that resolves to 127.0.0.1; the
request then carries the attacker's `Host`) or by a cross-site request (a form POST, a
`fetch(..., {mode: "no-cors"})`, an `<img>`; the browser adds `Origin` and/or
`Sec-Fetch-Site`). So every route refuses a `Host` that is not the loopback address and port
the sandbox serves, and the Bot API and page API refuse any request a browser marked as coming
from another site. Bots (python-telegram-bot over httpx) send neither header and pass.
"""

from __future__ import annotations

from aiohttp import web

BOT_API_PREFIXES = ("/bot", "/file/bot")
PAGE_API_PREFIX = "/sandbox/api/"
#: `Sec-Fetch-Site` values of requests made by the page itself or typed in the address bar.
OWN_SITE_MARKERS = frozenset({"same-origin", "none"})


def own_hosts(port: int | None) -> frozenset[str]:
    """The `Host` values that name this server: loopback, with the port it listens on."""
    return frozenset({f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}"})


def is_bot_api(request: web.Request) -> bool:
    return request.path.startswith(BOT_API_PREFIXES)


def foreign_host(request: web.Request, port: int | None) -> bool:
    """True when the request names another server (DNS rebinding) or none."""
    return request.host not in own_hosts(port)


def cross_site(request: web.Request, port: int | None) -> bool:
    """True when a browser says the request comes from a page that is not the sandbox's."""
    origin = request.headers.get("Origin")
    if origin is not None and origin not in {f"http://{host}" for host in own_hosts(port)}:
        return True
    site = request.headers.get("Sec-Fetch-Site")
    return site is not None and site.strip().lower() not in OWN_SITE_MARKERS


def refusal(request: web.Request, port: int | None) -> web.Response | None:
    """The answer to a request from elsewhere (None: let it through).

    Bot API errors keep Telegram's JSON shape; nothing is read, recorded or changed.
    """
    if foreign_host(request, port):
        return _refuse(request, 421, "Misdirected Request: unknown host")
    checked = is_bot_api(request) or request.path.startswith(PAGE_API_PREFIX)
    if checked and cross_site(request, port):
        return _refuse(request, 403, "Forbidden: cross-site request")
    return None


def _refuse(request: web.Request, status: int, description: str) -> web.Response:
    if is_bot_api(request):
        body: dict[str, object] = {"ok": False, "error_code": status, "description": description}
    else:
        body = {"error": description.split(": ", 1)[1]}
    return web.json_response(body, status=status)
