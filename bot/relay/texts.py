"""What the relay and a member's news say. Members: tú, warm, neutral first lines (a lock-screen
preview must not tell a stranger what it is about), and the danger line under any news that
cannot help (bot/texts.py `danger_line`). Staff: usted, brief, with the case code.
Whole sentences with named placeholders, translated in es_MX and en.
"""

from __future__ import annotations

from bot.i18n import Translator
from bot.texts import with_danger_line
from domain.relay import MAX_RELAY_CHARS

# --- for members -------------------------------------------------------------------------------


def neutral_head(t: Translator) -> str:
    # Translators: the first line of every message a member receives unasked (what a lock
    # screen shows): neutral on purpose, never what it is about.
    return t.gettext("You have a new message from Juntos.")


def relayed_to_member(t: Translator, organization: str, text: str) -> str:
    return t.gettext("{head}\n\n{organization} writes to you:\n{text}").format(
        head=neutral_head(t), organization=organization, text=text
    )


def member_buttons(t: Translator, organization: str) -> dict[str, str]:
    return {
        "reply": t.pgettext("button", "Reply to {organization}").format(organization=organization),
        "close": t.pgettext("button", "End the conversation"),
        # Translators: blocks the organisation for good (a confirmation follows).
        "block": t.pgettext("button", "No more messages from them"),
    }


def member_reply_prompt(t: Translator, organization: str) -> str:
    return t.gettext(
        "Write your answer for {organization}. They will not see your name or your Telegram "
        "account."
    ).format(organization=organization)


def member_sent(t: Translator, organization: str) -> str:
    return t.gettext("I sent it to {organization}.").format(organization=organization)


def member_closed_by_staff(t: Translator, organization: str) -> str:
    text = t.gettext(
        "{head}\n\n{organization} ended the conversation. If you need something else, write /start."
    ).format(head=neutral_head(t), organization=organization)
    return with_danger_line(t, text)


def member_closed(t: Translator, organization: str) -> str:
    return t.gettext(
        "Done, the conversation with {organization} ended. If they write again, you will see it "
        "here."
    ).format(organization=organization)


def member_block_question(t: Translator, organization: str) -> str:
    return t.gettext(
        "Do you want {organization} never to write to you again? This cannot be undone."
    ).format(organization=organization)


def member_block_buttons(t: Translator) -> dict[str, str]:
    return {
        "yes": t.pgettext("button", "Yes, no more messages"),
        "no": t.pgettext("button", "No, keep it"),
    }


def member_blocked(t: Translator, organization: str) -> str:
    return t.gettext("Done: {organization} can no longer write to you.").format(
        organization=organization
    )


def member_kept(t: Translator) -> str:
    return t.gettext("Okay, nothing changed.")


def only_text(t: Translator) -> str:
    # Translators: a photo, voice note or sticker sent as an answer in a relay conversation.
    return with_danger_line(t, t.gettext("For now I can only pass on text."))


def too_long(t: Translator, length: int) -> str:
    text = t.gettext(
        "That message has {length} characters; the limit is {limit}. Please send it in parts."
    ).format(length=length, limit=MAX_RELAY_CHARS)
    return with_danger_line(t, text)


def too_many(t: Translator) -> str:
    text = t.gettext("Many messages in a short time: please wait a little before sending more.")
    return with_danger_line(t, text)


def conversation_over(t: Translator) -> str:
    text = t.gettext(
        "That conversation has ended, so I can't pass this on. If you need help, write /start."
    )
    return with_danger_line(t, text)


# --- what happened to the member's request ---------------------------------------------------


def request_accepted(t: Translator, organization: str, code: str) -> str:
    return t.gettext(
        "{head}\n\n{organization} accepted your request {code}. They will write to you here, "
        "through Juntos (they will not see your Telegram account), in the next few days."
    ).format(head=neutral_head(t), organization=organization, code=code)


def request_rejected(t: Translator, organization: str, next_organization: str | None) -> str:
    if next_organization:
        return t.gettext(
            "{head}\n\n{organization} could not take your request. Shall I ask "
            "{next_organization} instead?"
        ).format(
            head=neutral_head(t), organization=organization, next_organization=next_organization
        )
    text = t.gettext(
        "{head}\n\n{organization} could not take your request, and I found no other "
        "organisation near you for now. You can look for places with /start."
    ).format(head=neutral_head(t), organization=organization)
    return with_danger_line(t, text)


def next_option_buttons(t: Translator) -> dict[str, str]:
    return {"yes": t.pgettext("button", "Yes, ask them"), "no": t.pgettext("button", "No, thanks")}


def request_completed(t: Translator, organization: str) -> str:
    return t.gettext(
        "{head}\n\n{organization} marked your request as finished. Did it help you?"
    ).format(head=neutral_head(t), organization=organization)


def outcome_buttons(t: Translator) -> dict[str, str]:
    return {
        "u": t.pgettext("outcome", "Yes"),
        "p": t.pgettext("outcome", "More or less"),
        "n": t.pgettext("outcome", "No"),
    }


def outcome_thanks(t: Translator) -> str:
    return t.gettext(
        "Thank you for telling me. It helps improve the support in your city. If you need "
        "something else, write /start."
    )


def request_cancelled(t: Translator, organization: str) -> str:
    text = t.gettext(
        "{head}\n\n{organization} closed your request. If you still need help, write /start."
    ).format(head=neutral_head(t), organization=organization)
    return with_danger_line(t, text)


def asked_again(t: Translator, organization: str, code: str) -> str:
    return t.gettext(
        "Done: I asked {organization} (your request {code}). They will write to you here."
    ).format(organization=organization, code=code)


def cannot_now(t: Translator) -> str:
    # Translators: a relay or news button that no longer applies (old, or the request moved on).
    text = t.gettext("That is no longer possible. Write /estado to see your requests.")
    return with_danger_line(t, text)


# --- for staff ----------------------------------------------------------------------------------


def write_button(t: Translator) -> str:
    return t.pgettext("button", "Write to the person")


def staff_buttons(t: Translator) -> dict[str, str]:
    return {
        "reply": t.pgettext("button", "Reply"),
        "close": t.pgettext("button", "End the conversation"),
        "send": t.pgettext("button", "Send it"),
        "drop": t.pgettext("button", "Don't send"),
    }


def staff_prompt(t: Translator, code: str, organization: str) -> str:
    return t.gettext(
        "Write the message for the person of {code}. It reaches them from {organization}, "
        "without your name or your account."
    ).format(code=code, organization=organization)


def staff_sent(t: Translator, code: str) -> str:
    return t.gettext("✓ Sent to the person of {code}.").format(code=code)


def relayed_to_staff(t: Translator, code: str, alias: str, text: str, crisis: bool) -> str:
    if crisis:
        return t.gettext(
            "⚠️ Possible crisis — {code} · {alias}:\n{text}\n"
            "The person was shown the emergency lines."
        ).format(code=code, alias=alias, text=text)
    return t.gettext("💬 {code} · {alias}:\n{text}").format(code=code, alias=alias, text=text)


def sensitive_warning(t: Translator, phone: bool, address: bool) -> str:
    if address:
        return t.gettext(
            "This message contains the address of a confidential place. The person will receive "
            "it exactly as written. Send it?"
        )
    return t.gettext(
        "This message contains a phone number. The person will receive it exactly as written. "
        "Send it?"
    )


def not_sent(t: Translator) -> str:
    return t.gettext("Not sent.")


def no_member(t: Translator, code: str) -> str:
    return t.gettext(
        "{code} has nobody to write to: the case was opened by staff, or the person deleted "
        "their data."
    ).format(code=code)


def not_writable(t: Translator) -> str:
    return t.gettext(
        "Only the organisation that accepted the referral can write to the person, while it is "
        "accepted or in progress."
    )


def thread_ended(t: Translator, code: str, reason: str) -> str:
    messages = {
        "closed": t.gettext("{code}: the person ended the conversation."),
        "left": t.gettext("{code}: the person left the conversation (quick exit)."),
        "blocked": t.gettext(
            "{code}: the person does not want more messages from your organisation."
        ),
        "withdrew": t.gettext("{code}: the person withdrew their request and deleted their data."),
        "unreachable": t.gettext(
            "{code}: the message could not be delivered (the person blocked the bot). The "
            "conversation was closed."
        ),
    }
    return messages.get(reason, messages["closed"]).format(code=code)


def staff_closed(t: Translator, code: str) -> str:
    return t.gettext("The conversation of {code} ended.").format(code=code)


def withdrawn(t: Translator, code: str) -> str:
    return t.gettext(
        "{code}: the person withdrew their request and deleted their data. Nothing else to do."
    ).format(code=code)
