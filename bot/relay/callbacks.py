"""Callback data of the relay and of a member's news: `rl:` tokens, parsed here, untrusted.

Which thread, referral or case a token names means nothing by itself: the domain checks on
every press that the person pressing may act on it.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.cases import MemberOutcome

MAX_BYTES = 64
PATTERN = r"^rl:"
_IDS = 10**12


@dataclass(frozen=True)
class Write:
    """Staff: "Escribir a la persona" on a case card."""

    case_id: int


@dataclass(frozen=True)
class Reply:
    """Either side: answer in this thread (the bot asks for the text)."""

    thread_id: int


@dataclass(frozen=True)
class Close:
    thread_id: int


@dataclass(frozen=True)
class Block:
    """The member: no more messages from this organisation (`sure`: confirmed)."""

    thread_id: int
    sure: bool


@dataclass(frozen=True)
class SendAnyway:
    """Staff, on the warning card: send the message that carries a phone or an address."""

    thread_id: int
    send: bool


@dataclass(frozen=True)
class Outcome:
    referral_id: int
    outcome: MemberOutcome


@dataclass(frozen=True)
class NextOption:
    """After a rejection: ask the offered organisation instead (its service)."""

    case_id: int
    service_id: str


Action = Write | Reply | Close | Block | SendAnyway | Outcome | NextOption
_OUTCOMES = {"u": MemberOutcome.USEFUL, "p": MemberOutcome.PARTLY, "n": MemberOutcome.NOT_USEFUL}
_OUTCOME_CODES = {v: k for k, v in _OUTCOMES.items()}


def encode(action: Action) -> str:
    match action:
        case Write(case_id):
            data = f"rl:w:{case_id}"
        case Reply(thread_id):
            data = f"rl:r:{thread_id}"
        case Close(thread_id):
            data = f"rl:c:{thread_id}"
        case Block(thread_id, sure):
            data = f"rl:{'B' if sure else 'b'}:{thread_id}"
        case SendAnyway(thread_id, send):
            data = f"rl:{'y' if send else 'x'}:{thread_id}"
        case Outcome(referral_id, outcome):
            data = f"rl:o:{referral_id}:{_OUTCOME_CODES[outcome]}"
        case NextOption(case_id, service_id):
            data = f"rl:n:{case_id}:{service_id}"
    assert len(data.encode()) <= MAX_BYTES, data
    return data


def _id(text: str) -> int | None:
    if text.isascii() and text.isdigit() and 0 < len(text) <= 12 and 0 < int(text) < _IDS:
        return int(text)
    return None


def _uuid_like(text: str) -> bool:
    return 0 < len(text) <= 40 and all(c.isascii() and (c.isalnum() or c == "-") for c in text)


def parse(data: str | None) -> Action | None:
    if not data or len(data.encode("utf-8", "replace")) > MAX_BYTES:
        return None
    parts = data.split(":")
    match parts:
        case ["rl", verb, raw] if (number := _id(raw)) is not None:
            simple: dict[str, Action] = {
                "w": Write(number),
                "r": Reply(number),
                "c": Close(number),
                "b": Block(number, sure=False),
                "B": Block(number, sure=True),
                "y": SendAnyway(number, send=True),
                "x": SendAnyway(number, send=False),
            }
            return simple.get(verb)
        case ["rl", "o", raw, code] if (number := _id(raw)) is not None and code in _OUTCOMES:
            return Outcome(number, _OUTCOMES[code])
        case ["rl", "n", raw, service] if (number := _id(raw)) is not None and _uuid_like(service):
            return NextOption(number, service)
    return None
