"""`juntos staff`: invite partner staff and coordinators, list them, revoke them."""

from __future__ import annotations

import importlib
from typing import cast

import httpx
import typer
from rich.console import Console
from rich.table import Table

from domain.errors import DomainError
from domain.people import Role
from domain.ports import PlaceFinder, SystemClock
from domain.services.staff import (
    InviteRequest,
    IssuedInvite,
    StaffListing,
    choose_organization,
    issue_invite,
    lifetime_of,
    list_staff,
    revoke_staff,
)
from juntos.commands.common import municipalities_or_exit, with_database
from juntos.database import Database
from juntos.settings import load_settings, reveal

app = typer.Typer(help="Partner staff and coordinators on Telegram.", no_args_is_help=True)
console = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


def _fail(message: str) -> typer.Exit:
    err.print(f"[red]{message}[/red]", highlight=False)
    return typer.Exit(1)


def _places() -> PlaceFinder:
    module = importlib.import_module("storage.gazetteer")
    return cast(PlaceFinder, module.load_gazetteer())


def municipality_codes(names: list[str]) -> frozenset[str]:
    """INEGI codes of the municipalities named by `names` (exactly one each)."""
    if not names:
        return frozenset()
    return frozenset(m.inegi_code for m in municipalities_or_exit(names, _places()))


def bot_username(given: str | None) -> str:
    """The bot's @username: --bot-username, or asked to the Bot API (getMe)."""
    if given:
        return given.lstrip("@")
    settings = load_settings()
    token = reveal(settings.telegram_bot_token)
    if token is None:
        raise _fail("Give --bot-username (or set TELEGRAM_BOT_TOKEN to ask Telegram for it).")
    try:
        response = httpx.get(f"{settings.telegram_api_url}{token}/getMe", timeout=10)
        response.raise_for_status()
        return str(response.json()["result"]["username"])
    except (httpx.HTTPError, KeyError, ValueError) as exc:
        raise _fail(
            f"Could not ask the Bot API for the bot's username ({type(exc).__name__}); "
            "give --bot-username."
        ) from None


@app.command()
def invite(
    org: str = typer.Option(..., "--org", help="HSDS organisation id, or its name."),
    role: Role = typer.Option(Role.STAFF, "--role", help="staff, coordinator or admin."),
    municipality: list[str] = typer.Option(
        [], "--municipality", help="A municipality a coordinator covers (repeatable)."
    ),
    expires: str = typer.Option("7d", "--expires", help="How long the code works: 7d, 48h..."),
    username: str | None = typer.Option(
        None, "--bot-username", help="The bot's @username (else asked to Telegram)."
    ),
) -> None:
    """Print a one-time invitation code and its t.me deep link."""
    if role is Role.MEMBER:
        raise _fail("Members need no invitation: anyone can talk to the bot.")
    try:
        lifetime = lifetime_of(expires)
    except DomainError as exc:
        raise _fail(f"--expires: {exc}") from None
    codes = municipality_codes(municipality)
    name = bot_username(username)

    async def work(database: Database) -> IssuedInvite:
        choice = await choose_organization(org, database.uow())
        if choice.found is None:
            listed = "\n".join(f"  {o.id}  {o.name}" for o in choice.candidates)
            problem = (
                f"--org {org!r} is not exactly one organisation. Candidates (give the id, or "
                "the name as written):"
                if choice.candidates
                else f"--org {org!r} matches no organisation (`juntos directory export` "
                "lists them all)."
            )
            raise _fail(f"{problem}\n{listed}".rstrip())
        request = InviteRequest(role, choice.found.id, codes, lifetime)
        try:
            return await issue_invite(request, database.uow(), SystemClock())
        except DomainError as exc:
            raise _fail(str(exc)) from None

    issued = with_database(work)
    console.print(
        f"Invitation for [bold]{issued.organization_name}[/bold] as {role.value}, "
        f"valid until {issued.invite.expires_at:%Y-%m-%d %H:%M} UTC, once:"
    )
    console.print(f"  code: {issued.code}", highlight=False)
    console.print(f"  link: https://t.me/{name}?start={issued.code}", highlight=False)
    console.print("Send it privately; it is shown only now (only its hash is kept).")


@app.command("list")
def list_(org: str | None = typer.Option(None, "--org", help="Only this organisation.")) -> None:
    """Everyone linked, with role, organisation and whether they are active."""

    async def work(database: Database) -> list[StaffListing]:
        organization_id = None
        if org is not None:
            choice = await choose_organization(org, database.uow())
            if choice.found is None:
                raise _fail(f"--org {org!r} matches {len(choice.candidates)} organisations.")
            organization_id = choice.found.id
        return await list_staff(organization_id, database.uow())

    listings = with_database(work)
    table = Table("id", "name", "role", "organisation", "municipalities", "linked", "state")
    for item in listings:
        staff = item.staff
        table.add_row(
            str(staff.id),
            staff.display_name,
            staff.role.value,
            item.organization_name,
            ", ".join(sorted(staff.municipality_codes)),
            f"{staff.linked_at:%Y-%m-%d}" if staff.linked_at else "",
            "active" if staff.active else "revoked",
        )
    console.print(table)


@app.command()
def revoke(staff_id: int = typer.Argument(..., help="The id `juntos staff list` shows.")) -> None:
    """Take a person's role away; they keep member features only."""

    async def work(database: Database) -> str:
        try:
            staff = await revoke_staff(staff_id, database.uow(), SystemClock())
        except DomainError as exc:
            raise _fail(str(exc)) from None
        return staff.actor

    actor = with_database(work)
    console.print(f"[green]{actor} revoked[/green]: they keep member features only.")
