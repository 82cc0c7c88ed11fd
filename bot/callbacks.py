"""Callback data: short typed tokens, built and parsed in one place, always untrusted.

Telegram hands back whatever a client puts in `callback_data` (≤ 64 bytes). Everything here is
validated against a closed vocabulary; anything else parses to None and the handler answers
with the menu instead of crashing.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain.languages import MEXICAN_LANGUAGES
from domain.taxonomy import Category, Eligibility

MAX_BYTES = 64
MAX_INDEX = 9


class Menu(StrEnum):
    SEARCH = "search"
    DANGER = "danger"
    ABOUT = "about"
    LANGUAGE = "lang"
    HOME = "home"


class ResultAction(StrEnum):
    MORE = "more"
    CHANGE_CATEGORY = "chcat"
    AGE = "age"
    EXACT = "exact"
    FILTERS = "filt"


class FilterName(StrEnum):
    """What a filter button sets; `for` and `lang` carry a value (a term, a language code)."""

    FREE = "free"
    OPEN_NOW = "open"
    ACCESSIBLE = "acc"
    FOR = "for"
    LANGUAGE = "lang"


class AgeBracket(StrEnum):
    UNDER_12 = "u12"
    TEEN = "12_17"
    YOUNG_ADULT = "18_29"
    ADULT = "30p"
    UNSAID = "na"

    @property
    def representative_age(self) -> int | None:
        """The age used to filter services for this bracket (None: no filter)."""
        return {"u12": 10, "12_17": 15, "18_29": 22, "30p": 35, "na": None}[self.value]


@dataclass(frozen=True)
class MenuChoice:
    item: Menu


@dataclass(frozen=True)
class PickCategory:
    category: Category | None  # None = any kind of help
    for_contact: bool = False


@dataclass(frozen=True)
class PickPlace:
    index: int


@dataclass(frozen=True)
class ShowMap:
    index: int


@dataclass(frozen=True)
class AskContact:
    index: int | None  # None: not tied to a listed result


@dataclass(frozen=True)
class ResultsAction:
    action: ResultAction


@dataclass(frozen=True)
class PickAge:
    bracket: AgeBracket


@dataclass(frozen=True)
class SetFilter:
    """Turn a search filter on (`on`) or off; `value` for `for` (a term) and `lang` (a code)."""

    name: FilterName
    on: bool
    value: str | None = None


@dataclass(frozen=True)
class PickLanguage:
    locale: str  # "es_MX" | "en"


@dataclass(frozen=True)
class Confirm:
    topic: str  # "consent" | "delete"
    yes: bool


Action = (
    MenuChoice
    | PickCategory
    | PickPlace
    | ShowMap
    | AskContact
    | ResultsAction
    | PickAge
    | SetFilter
    | PickLanguage
    | Confirm
)
CONFIRM_TOPICS = ("consent", "delete")
LANGUAGES = {"es": "es_MX", "en": "en"}


def encode(action: Action) -> str:
    """The callback_data string for `action` (always ≤ 64 bytes)."""
    match action:
        case MenuChoice(item):
            data = f"m:{item.value}"
        case PickCategory(category, for_contact):
            data = f"{'cc' if for_contact else 'c'}:{category.value if category else '*'}"
        case PickPlace(index):
            data = f"p:{index}"
        case ShowMap(index):
            data = f"v:{index}"
        case AskContact(index):
            data = f"k:{'-' if index is None else index}"
        case ResultsAction(result_action):
            data = f"r:{result_action.value}"
        case PickAge(bracket):
            data = f"a:{bracket.value}"
        case SetFilter(name, on, value):
            data = f"f:{'+' if on else '-'}{name.value}" + (f":{value}" if value else "")
        case PickLanguage(locale):
            data = f"l:{'en' if locale == 'en' else 'es'}"
        case Confirm(topic, yes):
            data = f"y:{topic}:{int(yes)}"
    assert len(data.encode()) <= MAX_BYTES
    return data


def _index(text: str) -> int | None:
    if text.isdigit() and len(text) == 1 and int(text) <= MAX_INDEX:
        return int(text)
    return None


def _filter(text: str) -> SetFilter | None:
    """`+free`, `-open`, `+for:women`, `-lang:tar`: a known filter, a known value."""
    if text[:1] not in ("+", "-"):
        return None
    name_text, _, value = text[1:].partition(":")
    name = FilterName(name_text)  # ValueError when unknown
    on = text[0] == "+"
    if name is FilterName.FOR:
        return SetFilter(name, on, Eligibility(value).value)
    if name is FilterName.LANGUAGE:
        return SetFilter(name, on, value) if value in MEXICAN_LANGUAGES else None
    return None if value else SetFilter(name, on)


def parse(data: str | None) -> Action | None:
    """Parse untrusted callback data; None for anything not produced by `encode`."""
    if not data or len(data.encode("utf-8", "replace")) > MAX_BYTES or ":" not in data:
        return None
    prefix, _, rest = data.partition(":")
    try:
        match prefix:
            case "m":
                return MenuChoice(Menu(rest))
            case "c" | "cc":
                category = None if rest == "*" else Category(rest)
                return PickCategory(category, for_contact=prefix == "cc")
            case "p" | "v":
                index = _index(rest)
                if index is None:
                    return None
                return PickPlace(index) if prefix == "p" else ShowMap(index)
            case "k":
                return (
                    AskContact(None)
                    if rest == "-"
                    else (None if (i := _index(rest)) is None else AskContact(i))
                )
            case "r":
                return ResultsAction(ResultAction(rest))
            case "a":
                return PickAge(AgeBracket(rest))
            case "f":
                return _filter(rest)
            case "l":
                return PickLanguage(LANGUAGES[rest]) if rest in LANGUAGES else None
            case "y":
                topic, _, flag = rest.partition(":")
                if topic in CONFIRM_TOPICS and flag in ("0", "1"):
                    return Confirm(topic, flag == "1")
                return None
    except ValueError:
        return None
    return None
