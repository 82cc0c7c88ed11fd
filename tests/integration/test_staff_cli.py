"""`juntos staff invite | list | revoke` and `juntos audit show`, as an operator runs them."""

from __future__ import annotations

import re

from domain.services.staff import redeem_invite
from juntos.database import Database
from storage.engine import create_engine, session_factory
from tests.conftest import Juntos, run_outside_loop
from tests.fakes import FakeClock

ORG = "Colectivo Vecinal Puentes de Paz Juárez (demo)"


def test_an_invitation_prints_a_code_and_a_deep_link_once(juntos: Juntos) -> None:
    assert juntos("demo", "load").exit_code == 0
    result = juntos(
        "staff",
        "invite",
        "--org",
        "colectivo vecinal puentes de paz juarez",
        "--bot-username",
        "@juntos_bot",
    )
    assert result.exit_code == 0, result.output
    assert f"Invitation for {ORG} as staff" in result.stdout
    code = re.search(r"code: (\S+)", result.stdout)
    link = re.search(r"link: (\S+)", result.stdout)
    assert code and link
    assert link.group(1) == f"https://t.me/juntos_bot?start={code.group(1)}"
    assert re.fullmatch(r"[A-Za-z0-9_-]{16,64}", code.group(1)), "fits Telegram's start parameter"
    audit = juntos("audit", "show")
    assert "invite.issue" in audit.stdout and code.group(1) not in audit.stdout


def test_unknown_and_ambiguous_organisations_list_the_candidates(juntos: Juntos) -> None:
    juntos("demo", "load")
    ambiguous = juntos("staff", "invite", "--org", "juarez", "--bot-username", "b")
    assert ambiguous.exit_code == 1
    assert "is not exactly one organisation" in ambiguous.stderr
    assert ORG in ambiguous.stderr
    unknown = juntos("staff", "invite", "--org", "zzzz", "--bot-username", "b")
    assert unknown.exit_code == 1 and "matches no organisation" in unknown.stderr


def test_coordinators_need_municipalities_the_gazetteer_resolves(juntos: Juntos) -> None:
    juntos("demo", "load")
    missing = juntos(
        "staff", "invite", "--org", ORG, "--role", "coordinator", "--bot-username", "b"
    )
    assert missing.exit_code == 1 and "at least one municipality" in missing.stderr
    ambiguous = juntos(
        "staff",
        "invite",
        "--org",
        ORG,
        "--role",
        "coordinator",
        "--municipality",
        "juarez",
        "--bot-username",
        "b",
    )
    assert ambiguous.exit_code == 1
    assert "Juárez, Chihuahua (08037)" in ambiguous.stderr
    assert "Juárez, Nuevo León (19031)" in ambiguous.stderr
    fine = juntos(
        "staff",
        "invite",
        "--org",
        ORG,
        "--role",
        "coordinator",
        "--municipality",
        "juarez chihuahua",
        "--municipality",
        "Tijuana",
        "--expires",
        "48h",
        "--bot-username",
        "b",
    )
    assert fine.exit_code == 0, fine.output
    bad_expiry = juntos("staff", "invite", "--org", ORG, "--expires", "soon", "--bot-username", "b")
    assert bad_expiry.exit_code == 1 and "--expires" in bad_expiry.stderr


def test_without_a_username_or_token_the_invite_asks_for_one(juntos: Juntos) -> None:
    juntos("demo", "load")
    result = juntos("staff", "invite", "--org", ORG)
    assert result.exit_code == 1 and "--bot-username" in result.stderr


def test_list_and_revoke(juntos: Juntos) -> None:
    juntos("demo", "load")
    empty = juntos("staff", "list")
    assert empty.exit_code == 0
    missing = juntos("staff", "revoke", "42")
    assert missing.exit_code == 1 and "not found" in missing.stderr
    shown = juntos("audit", "show", "--case", "nope")
    assert shown.exit_code == 1 and "not a case code" in shown.stdout


async def _redeem(url: str, code: str):
    """What the bot does on /start <code>."""
    engine = create_engine(url)
    db = Database(engine=engine, sessions=session_factory(engine))
    try:
        return await redeem_invite(code, 7001, "Rosa", "es_MX", db.uow(), FakeClock())
    finally:
        await db.close()


def test_a_linked_person_is_listed_then_revoked(juntos: Juntos, tmp_path) -> None:
    juntos("demo", "load")
    issued = juntos("staff", "invite", "--org", ORG, "--bot-username", "b")
    code = re.search(r"code: (\S+)", issued.stdout)
    assert code
    linked = run_outside_loop(_redeem(f"sqlite:///{tmp_path / 'juntos.db'}", code.group(1)))
    assert linked.staff is not None
    listed = juntos("staff", "list", "--org", ORG)
    assert "Rosa" in listed.stdout and "active" in listed.stdout
    revoked = juntos("staff", "revoke", str(linked.staff.id))
    assert revoked.exit_code == 0 and "member features only" in revoked.stdout
    assert "revoked" in juntos("staff", "list").stdout
    again = juntos("staff", "revoke", str(linked.staff.id))
    assert again.exit_code == 1 and "already revoked" in again.stderr
    trail = juntos("audit", "show", "-n", "3").stdout
    assert "staff.revoke" in trail and "staff.link" in trail
