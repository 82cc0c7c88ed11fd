"""The audit trail of a realistic staff session is complete and holds no content (through the
real bot, SQLite and PostgreSQL).

The session: a shelter's staff member joins by invite; a member asks to be contacted and the
request reaches the shelter; the staff member accepts it, writes to the person through the
relay, logs a follow-up with a note and a date, refers someone else to another organisation,
closes the first case, and is revoked by an operator. The trail must name who did what to which
case, every read and write, in order, and never what anyone wrote.
"""

from __future__ import annotations

import json

from sqlalchemy import text

from domain.services.staff import revoke_staff
from tests.bot.test_relay import MEMBER, SHELTER_ORG, member_and_staff, staff_writes
from tests.bot.test_staff_side import buttons_with, org_id
from tests.bot_harness import BotUnderTest, press, say

RELAYED = "Hola, soy Teresa del colectivo. ¿Te puedo llamar hoy a las 5?"
NOTE = "Llamada hecha; vive con su tía en la colonia Bellavista."
SECOND_NOTE = "Lo acompaña su hermana mayor."


async def trail(bot: BotUnderTest) -> list[tuple[str, str, str, dict[str, str]]]:
    """The audit entries, oldest first. Which worker claimed a notice is left out: the process
    that saved the referral, or a sweep that ran at that very moment (either, exactly once)."""
    async with bot.database() as db, db.engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT actor, action, subject, detail FROM audit_entries ORDER BY id")
        )
        entries = []
        for actor, action, subject, raw in rows.all():
            detail = raw if isinstance(raw, dict) else json.loads(raw)
            if action == "reminder.claim":
                detail.pop("worker")
            entries.append((actor, action, subject, detail))
        return entries


async def test_a_scripted_staff_session_leaves_exactly_the_expected_trail(
    bot: BotUnderTest,
) -> None:
    member, staff = await member_and_staff(bot)  # join, the member's request, accept
    await member.wait_for_bot_messages(count=1, timeout=10)  # "aceptó tu solicitud"
    [sent] = await staff_writes(staff, RELAYED)  # /caso CASO-0001, then the relay
    assert sent.text == "✓ Enviado a la persona de CASO-0001."
    await member.wait_for_bot_messages(count=1, timeout=10)

    await say(staff, "/seguimiento CASO-0001")
    await staff.press("ff:status:in_progress")
    await staff.press("ff:due:7")
    await press(staff, "ff:note:add")
    await say(staff, NOTE)
    [saved] = await press(staff, "ff:do:save")
    assert saved.text == "Guardé el seguimiento de CASO-0001."

    await say(staff, "/referir")
    for answer in ("Beto", "15"):
        await say(staff, answer)
    await press(staff, "rf:gender:male")
    await press(staff, "rf:muni:0")
    [where] = await press(staff, "rf:need:legal_aid")
    await press(staff, buttons_with(where, "rf:dest:")[0][1])
    await press(staff, "rf:urgent:0")
    await press(staff, "rf:consent:1")
    await say(staff, SECOND_NOTE)
    [made] = await press(staff, "rf:do:confirm")
    assert (made.text or "").startswith("Listo: CASO-0002")

    await say(staff, "/seguimiento CASO-0001")
    await staff.press("ff:status:completed")
    await press(staff, "ff:do:save")
    await member.wait_for_bot_messages(count=1, timeout=10)  # "¿Te sirvió?"

    shelter = await org_id(bot, SHELTER_ORG)
    async with bot.database() as db, db.engine.connect() as conn:
        other = await conn.scalar(text("SELECT to_organization_id FROM referrals WHERE id = 2"))
        staff_id = await conn.scalar(text("SELECT id FROM staff_members"))
    async with bot.database() as db:  # the operator: `juntos staff revoke ID`
        await revoke_staff(int(staff_id), db.uow(), bot.clock)
    [refused] = await say(staff, "/casos")
    assert "Eso es para el personal de organizaciones aliadas" in (refused.text or ""), (
        "a revocation takes effect at the next update"
    )

    tere, system = f"staff:{staff_id}", "system"
    one, two = "CASO-0001", "CASO-0002"
    assert await trail(bot) == [
        ("operator", "invite.issue", "invite:1", {"organization": shelter, "role": "staff"}),
        (tere, "staff.link", tere, {"invite": "1"}),
        # The member's request: the case, its referral, and its notice to the shelter.
        ("member:1", "case.open", one, {}),
        ("member:1", "referral.create", one, {"referral": "1", "to": shelter}),
        (system, "reminder.claim", one, {"kind": "referral_new"}),
        (
            tere,
            "referral.status",
            one,
            {"after": "accepted", "before": "requested", "referral": "1"},
        ),
        # /caso CASO-0001, "Escribir a la persona", the message relayed.
        (tere, "case.read", one, {}),
        (tere, "relay.open", one, {}),
        (tere, "relay.to_member", one, {}),
        # /seguimiento: in progress, a note, the next follow-up in 7 days.
        (tere, "case.read", one, {}),
        (
            tere,
            "referral.status",
            one,
            {"after": "in_progress", "before": "accepted", "referral": "1"},
        ),
        (tere, "note.add", one, {}),
        (tere, "follow_up.plan", one, {"due": "2026-03-11", "follow_up": "1", "referral": "1"}),
        # /referir: another person to another organisation, with a note.
        (tere, "case.open", two, {}),
        (tere, "referral.create", two, {"referral": "2", "to": other}),
        (tere, "note.add", two, {}),
        (system, "reminder.claim", two, {"kind": "referral_new"}),
        # /seguimiento: completed (the planned follow-up is done with it).
        (tere, "case.read", one, {}),
        (
            tere,
            "referral.status",
            one,
            {"after": "completed", "before": "in_progress", "referral": "1"},
        ),
        (tere, "follow_up.done", one, {"follow_up": "1"}),
        ("operator", "staff.revoke", tere, {}),
    ]
    stored = str(await trail(bot)).casefold()
    for content in (RELAYED, NOTE, SECOND_NOTE, "Beto", "Bellavista", "tía", *MEMBER.values()):
        assert str(content).casefold() not in stored, content
    assert "Teresa".casefold() not in stored and "Galindo".casefold() not in stored
