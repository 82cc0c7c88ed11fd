"""Invitations for the sandbox's staff personas, issued by `juntos demo load`.

The same mechanism as on Telegram (no back door): a one-time code per staff persona that is
not linked yet, kept in var/sandbox-invites.json (0600) for `juntos run` to hand to the page,
which offers to open it as a deep link would.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from sqlalchemy.engine import make_url

from domain.people import Role
from domain.ports import Clock
from domain.services.staff import InviteRequest, choose_organization, issue_invite, staff_for_chat
from juntos.database import Database
from juntos.settings import VAR, Settings
from sandbox.personas import PERSONAS, Persona
from storage.private import overwrite_private

LIFETIME = timedelta(days=30)
NAME = "sandbox-invites.json"


def invites_path(settings: Settings) -> Path:
    """Beside the SQLite database whose invitations they are (else in var/)."""
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        return Path(url.database).parent / NAME
    return VAR / NAME


async def issue_persona_invites(
    database: Database, clock: Clock, personas: list[Persona] = PERSONAS
) -> dict[int, str]:
    """A fresh code for every staff persona whose chat is not linked yet."""
    codes: dict[int, str] = {}
    for persona in personas:
        if persona.role == "member" or persona.organization is None:
            continue
        if await staff_for_chat(persona.user_id, database.uow()) is not None:
            continue
        choice = await choose_organization(persona.organization, database.uow())
        if choice.found is None:
            continue  # the demo directory is not loaded
        request = InviteRequest(
            Role(persona.role), choice.found.id, frozenset(persona.municipalities), LIFETIME
        )
        codes[persona.user_id] = (await issue_invite(request, database.uow(), clock)).code
    return codes


def save_codes(codes: dict[int, str], path: Path) -> None:
    overwrite_private(path, json.dumps({str(k): v for k, v in codes.items()}).encode())


def load_codes(path: Path) -> dict[int, str]:
    try:
        data = json.loads(path.read_text())
        return {int(k): str(v) for k, v in data.items()}
    except (OSError, ValueError, AttributeError):
        return {}
