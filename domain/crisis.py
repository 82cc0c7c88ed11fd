"""Crisis detection: reviewed word and phrase rules over folded text, run before anything else.

Not a classifier: every rule below is a phrase family a human reviewed (docs/crisis_phrases.md
lists them with examples). A message is folded (accents, case, punctuation), respelled so that
common typos meet (kiero/quiero, suisidio/suicidio, z/s, v/b, silent h, repeated letters),
stripped of colloquial uses ("me muero de risa", "me cortó mi novio"), and then searched.

Each rule has a tier:

* NOW: the words themselves say the danger is current ("me está pegando", "me quiero morir").
* PAST: a disclosure in the past tense ("me violaron"). Treated as current unless the message
  places it in the distant past ("hace dos años", "cuando era niña"): then uncertain, because
  it is sensitive but not immediate.
* MAYBE: could be danger or could be an ordinary use ("me va a matar", "no aguanto más").
  Uncertain unless the message also says "ahorita", "auxilio", "ayuda"...
* ALWAYS: uncertain, and always shown: a message that is nothing but a cry for help
  ("AYUDAAA", "urge ayuda", "help help"). Laughter silences it ("auxilio xD").

A negation just before a phrase ("no me quiero morir") makes it uncertain, never silent; so do
a game or film context for shootings, threats and kidnappings, a question about what to do
("qué hago si veo una balacera"; not for suicide), and laughter ("jaja") for a clear phrase.
Laughter silences an ambiguous one. An uncertain signal means "when in doubt, show the lines":
the bot answers with the lines and then its normal flow.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import Enum

from domain import crisis_phrases as phrases
from domain.crisis_phrases import ALWAYS, MAYBE, PAST, Tier
from domain.emergency import DangerKind, EmergencyLine, lines_for_kinds

_K = DangerKind

__all__ = [
    "EVIDENCE_NAMES",
    "CrisisSignal",
    "DangerKind",
    "RuleReading",
    "detect_crisis",
    "fold",
    "lines_for",
    "read_rules",
]

#: Telegram caps a message at 4096 characters; anything longer is cut before matching.
MAX_CHARS = 4096


@dataclass(frozen=True, slots=True)
class CrisisSignal:
    #: The kinds of danger read at the signal's level of certainty (never empty).
    kinds: frozenset[DangerKind]
    #: True when the danger is possible but not clear: show the lines, then the normal flow.
    uncertain: bool

    def __post_init__(self) -> None:
        if not self.kinds:
            raise ValueError("a crisis signal needs at least one kind of danger")


def lines_for(signal: CrisisSignal) -> tuple[EmergencyLine, ...]:
    """The emergency lines to show for `signal`, the most useful first."""
    return lines_for_kinds(signal.kinds)


# --- folding -------------------------------------------------------------------------------

_APOSTROPHES = re.compile(r"['’ʼ`´]")
_NON_WORD = re.compile(r"[\W_]+")
_ELLIPSIS = re.compile(r"\.{2,}|…")  # "me... quiero... morir": a pause, not a new clause
_CLAUSE_BREAKS = re.compile(r"[.,;:!?¡¿()\[\]{}\"“”«»\n\r\t]+")
_NON_WORD_OR_COMMA = re.compile(r"[^\w,]+|_+")
_SPACES = re.compile(r" +")


# The Unicode blocks of combining diacritical marks (accents, tildes, dieresis...).
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")


def _unaccent(text: str) -> str:
    if text.isascii():
        return text
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text))


def _strip_marks(text: str) -> str:
    return _unaccent(text).casefold()


def fold(text: str) -> str:
    """Fold `text` for matching: no accents, case-folded, no punctuation, single spaces.

    `fold("¡Me QUIERO morír!! 😭")` is `"me quiero morir"`. Apostrophes are dropped rather
    than spaced ("don't" -> "dont"); letters of other scripts are kept.
    """
    text = _APOSTROPHES.sub("", _strip_marks(text))
    return _NON_WORD.sub(" ", text).strip()


# --- respelling: make common typos and spellings meet ---------------------------------------

_SQUEEZE = re.compile(r"([a-z])\1+")
# Respellings that depend on the next letter, applied in this order.
_BY_CONTEXT: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"qu(?=[ei])"), "k"),  # quiero, kiero
    (re.compile(r"q"), "k"),  # q (que), qiero
    (re.compile(r"c(?=[ei])"), "s"),  # suicidio, suisidio
    (re.compile(r"c(?!h)"), "k"),  # ch stays: cuchillo
    (re.compile(r"g(?=[ei])"), "j"),  # gente, jente
    (re.compile(r"(?<![cs])h"), ""),  # ahorita, aorita; ch and sh stay
)
_LONE_QUE = re.compile(r"(?<![a-z0-9])k(?![a-z0-9])")  # "q" / "k" written for "que"


def _respell(letters: str) -> str:
    # Sequential constant substitutions measured twice as fast as one pass with a callback.
    letters = _SQUEEZE.sub(r"\1", letters).replace("z", "s").replace("v", "b")
    for pattern, replacement in _BY_CONTEXT:
        letters = pattern.sub(replacement, letters)
    return _SQUEEZE.sub(r"\1", letters)


def _key(text: str) -> str:
    """Folded and respelled text, with commas marking clause breaks (phrases never span them)."""
    text = _APOSTROPHES.sub("", _strip_marks(text[:MAX_CHARS]))
    text = _CLAUSE_BREAKS.sub(" , ", _ELLIPSIS.sub(" ", text))
    text = _NON_WORD_OR_COMMA.sub(" ", text)
    text = _LONE_QUE.sub("ke", _respell(text))
    return _SPACES.sub(" ", text).strip()


# --- phrase compilation ----------------------------------------------------------------------
# Phrases are written in plain, unaccented Spanish or English, with regex alternation. Letters
# are respelled like the text (so write "quiero", it also matches "kiero"); a space also
# matches no space ("mequieromorir"). Word macros ({PERSON}) are expanded before respelling,
# structural ones ({GAP}, {END}) after. Do not split a letter group across regex syntax
# ("c(?:e|i)") or the respelling cannot see it; use \w rather than [a-z] classes.

_WORD_MACROS = {
    "{ME}": "(?:me|m)",
    "{QUIERO}": "(?:quiero|quisiera|kero)",
    "{ESTA}": "(?:esta|sta|ta|estaba)",
    "{ESTAN}": "(?:estan|stan|tan|andan|estaban)",
    "{PERSON}": (
        "(?:(?:mi|el|la|un|una|su|mis|los|las|sus|este|ese) (?:novio|novia|esposo|esposa|marido"
        "|pareja|ex|papa|mama|papi|mami|padre|madre|padrastro|madrastra|papas|padres|jefa|jefes"
        "|hermano|hermana|hermanos|tio|tia|tios|abuelo|abuela|primo|prima|vecino|vecina"
        "|maestro|maestra|profe|profesor|companero|companera|companeros|amigo|amiga|chavo|chava"
        "|senor|senora|tipo|hombre|morro|morra|wey|vato|padrino|cunado|suegro|suegra)"
        "|el|ella|ellos|ellas|alguien|unos|unos chavos|unos tipos)"
    ),
    "{SOMEONE}": (
        "(?:mi|el|la|un|una|su|mis|los|las|sus) (?:novio|novia|esposo|esposa|marido|pareja|ex"
        "|papa|mama|papi|mami|padre|madre|padrastro|madrastra|papas|padres|jefa|jefes|hermano"
        "|hermana|hermanos|tio|tia|tios|abuelo|abuela|primo|prima|vecino|vecina|maestro"
        "|maestra|profe|companero|companera|companeros|chavo|chava|senor|senora|tipo|hombre"
        "|morro|morra|wey|vato|padrino|cunado)"
    ),
    "{CAREGIVER}": (
        "(?:mi|mis|el|la) (?:papa|mama|papi|mami|padre|madre|padrastro|madrastra|papas|padres"
        "|jefa|jefes|jefecita|tio|tia|tios|abuelo|abuela|abuelos|tutor|tutora|apa"
        "|novio de mi mama|pareja de mi mama|esposo de mi mama|esposa de mi papa"
        "|novia de mi papa|pareja de mi papa)"
    ),
    "{WEAPON}": (
        "(?:cuchillo|cuchiyo|navaja|pistola|arma|fusca|cuerno|machete|bate|tubo|fierro|escopeta"
        "|rifle|revolver|metralleta|cutter|picahielo|gun|knife|cuete|filero|desarmador)"
    ),
    "{HIT}": (
        "(?:pega|pegan|golpea|golpean|maltrata|maltratan|patea|patean|ahorca|ahorcan|lastima"
        "|lastiman|cachetea|madrea|madrean|jalonea|jalonean|avienta|quema|quieren pegar"
        "|quiere pegar|va a pegar|mata a golpes)"
    ),
    "{HIT_PAST}": (
        "(?:pego|pegaron|golpeo|golpearon|pateo|patearon|ahorco|lastimo|lastimaron|cacheteo"
        "|madreo|madrearon|jaloneo|quemo|pegaba|pegaban|golpeaba|golpeaban|maltrataba"
        "|maltrataban|lastimaba|mataba a golpes)"
    ),
    "{THREATENS}": "(?:amenaza|amenazan)",
    "{THREATENED}": "(?:amenazo|amenazaron|amenazaba|amenazaban)",
    "{PEGAR}": "(?:pega|pego|pegu)\\w*",  # any form of "pegar"
    "{RELATIVE}": (
        "(?:hermano|hermana|hijo|hija|papa|mama|primo|prima|amigo|amiga|novio|novia|esposo"
        "|esposa|tio|tia|sobrino|sobrina|abuelo|abuela|hermanito|hermanita|jefa|jefe|apa|ama"
        "|carnal|carnala|familia)s?"
    ),
    "{CHILD}": "(?:hermanit|hermano|hermana|hijo|hija|bebe|sobrin|primit)\\w*",
    "{SOCIAL}": (
        "(?:insta|instagram|ig|tiktok|tik tok|twitter|x|face|facebook|fb|redes|twitch|youtube"
        "|snap|snapchat|spotify|threads|kick)"
    ),
}
_STRUCTURAL_MACROS = {
    # Up to three words, none of them a negation ("mi papá siempre me pega").
    # Written respelled: structural macros are inserted after respelling.
    "{GAP}": r"(?: (?!(?:no|nunka|jamas|ni|nadie|not|neber)(?![a-z0-9]))[a-z0-9]+){0,3}",
    "{END}": r"(?![a-z0-9])",
}
_LETTER_RUN = re.compile(r"(?<!\\)[a-z]+")
_START = r"(?<![a-z0-9])"


# A letter whose respelling depends on the next letter, cut off from it by regex syntax.
_SPLIT_SPELLING = re.compile(r"(?<![\\a-z])[a-z]*[cgq](?=[\\(\[])")


def _phrase_body(phrase: str) -> str:
    for name, body in _WORD_MACROS.items():
        phrase = phrase.replace(name, body)
    phrase = _unaccent(phrase)
    if split := _SPLIT_SPELLING.search(phrase):
        raise ValueError(f"spell {split.group()!r} out in full in phrase {phrase!r}")
    phrase = _LETTER_RUN.sub(lambda m: _respell(m.group()), phrase)
    phrase = phrase.replace(" ", " ?")
    for name, body in _STRUCTURAL_MACROS.items():
        phrase = phrase.replace(name, body)
    return phrase


def _compile(phrases: tuple[str, ...]) -> re.Pattern[str]:
    # One word-start check before the alternation, not one per phrase: the engine then tries
    # the phrases only where a word begins (about five times faster than per-phrase checks).
    return re.compile(_START + "(?:" + "|".join(f"(?:{_phrase_body(p)})" for p in phrases) + ")")


@dataclass(frozen=True, slots=True)
class _Rule:
    kind: DangerKind
    tier: Tier
    pattern: re.Pattern[str]


_RULES = tuple(_Rule(kind, tier, _compile(table)) for kind, tier, table in phrases.RULE_TABLE)

# --- colloquial uses, removed before matching --------------------------------------------------

_MASKS = _compile(phrases.MASKS)

# --- context markers ---------------------------------------------------------------------------

_DISTANT_PAST = _compile(phrases.DISTANT_PAST)
_URGENT = _compile(phrases.URGENT)
# A shooting, threat or kidnapping in a game or a film is not danger: make it uncertain.
_PLAY = _compile(phrases.PLAY)
_PLAY_SENSITIVE = frozenset({_K.SHOOTING, _K.THREAT, _K.KIDNAPPING})
# "hay balaceras seguido en mi colonia": a neighbourhood described, not a shooting now (read
# for shootings named as events; "se oyen balazos" stays danger).
_HABITUAL = _compile(phrases.HABITUAL)
_HABITUAL_SENSITIVE = frozenset({_K.SHOOTING})
# News and rumours about other people: uncertain (the model reads whether it is danger).
_REPORTED = _compile(phrases.REPORTED)
_NEGATED = re.compile(
    _START
    + _phrase_body(
        "(?:no|nunca|jamas|ni|nadie|not|never|dont|don t|do not|didnt|didn t|wont|won t)"
        "(?: (?:quiero|pienso|pienso en|voy a|me|te|le|want to|wanna|would|will|plan to"
        "|going to|gonna|ever))? $"
    )
)
# "qué hago si veo una balacera", "en caso de secuestro": a question about what to do, not a
# report. Not applied to suicide ("qué hago si me quiero morir" is a cry for help) nor to what
# happens to the writer ("qué hago si me violaron" is a disclosure).
_HYPOTHETICAL = re.compile(
    _START
    + _phrase_body(
        "(?:si|en caso de|que hacer (?:si|en|durante|cuando)|que hago (?:si|en|durante|cuando)"
        "|como actuar (?:si|en|durante|ante)|durante)(?: \\w+){1,2} $"
    )
)
_NOT_HYPOTHETICAL = frozenset({_K.SUICIDE_SELF_HARM})
_FIRST_PERSON = re.compile(r"(?:me|m|nos|mi|mis) ?")
# "jajaja", "jsjs", "xD", "lol": an ambiguous phrase said laughing is hyperbole, not danger,
# and a clear one becomes uncertain (the lines are still shown: a joke can carry a real cry).
_LAUGHTER = re.compile(
    r"(?<![a-z])(?:(?:j[aeiosk]|h[ae]){2,}[a-z]{0,3}|x+d+|lol|lmao|lmfao)(?![a-z])"
)
_CONTEXT_WINDOW = 40  # characters read before a phrase for a negation or an "if"
_MAX_MATCHES_PER_RULE = 8


class _Context:
    """What a message says around a matched phrase, each read at most once."""

    def __init__(self, text: str, key: str) -> None:
        self.text = text
        self.key = key
        self._laughing: bool | None = None
        self._distant_past: bool | None = None
        self._play: bool | None = None
        self._habitual: bool | None = None
        self._reported: bool | None = None
        self._urgent: list[tuple[int, int]] | None = None

    def distant_past(self) -> bool:
        if self._distant_past is None:
            self._distant_past = _DISTANT_PAST.search(self.key) is not None
        return self._distant_past

    def laughing(self) -> bool:
        # Read on the folded text: respelling turns "jajaja" into "jajaja" but "hahaha" into "a".
        if self._laughing is None:
            self._laughing = _LAUGHTER.search(fold(self.text[:MAX_CHARS])) is not None
        return self._laughing

    def habitual(self) -> bool:
        if self._habitual is None:
            self._habitual = _HABITUAL.search(self.key) is not None
        return self._habitual

    def reported(self) -> bool:
        if self._reported is None:
            self._reported = _REPORTED.search(self.key) is not None
        return self._reported

    def play(self) -> bool:
        if self._play is None:
            self._play = _PLAY.search(self.key) is not None
        return self._play

    def urgent_outside(self, match: re.Match[str]) -> bool:
        """Whether an urgent word ("ahorita", "ayuda") appears outside the matched phrase."""
        if self._urgent is None:
            self._urgent = [m.span() for m in _URGENT.finditer(self.key)]
        return any(end <= match.start() or start >= match.end() for start, end in self._urgent)

    def negated(self, match: re.Match[str]) -> bool:
        return self._before(_NEGATED, match)

    def hypothetical(self, match: re.Match[str]) -> bool:
        about_me = _FIRST_PERSON.match(self.key, match.start()) is not None
        return not about_me and self._before(_HYPOTHETICAL, match)

    def _before(self, pattern: re.Pattern[str], match: re.Match[str]) -> bool:
        start = match.start()
        return pattern.search(self.key, max(0, start - _CONTEXT_WINDOW), start) is not None


class _Read(Enum):
    CLEAR = "clear"  # danger
    DOUBT = "doubt"  # possible danger
    #: A clear phrase softened only by a negation or by laughter ("no me quiero morir", "me
    #: quiero morir jaja"), or an ALWAYS family (a bare cry for help): possible danger the
    #: reviewers want shown, whatever else says no.
    HELD = "held"
    JOKE = "joke"  # an ambiguous phrase said laughing: nothing


def _reading(rule: _Rule, match: re.Match[str], context: _Context) -> _Read:
    if rule.tier is ALWAYS:
        return _Read.JOKE if context.laughing() else _Read.HELD
    if rule.tier is MAYBE and not context.urgent_outside(match):
        return _Read.JOKE if context.laughing() else _Read.DOUBT
    if rule.tier is PAST and context.distant_past():
        return _Read.DOUBT
    if rule.kind in _PLAY_SENSITIVE and context.play():
        return _Read.DOUBT
    if rule.tier is PAST and rule.kind in _HABITUAL_SENSITIVE and context.habitual():
        return _Read.DOUBT
    if rule.kind not in _NOT_HYPOTHETICAL and context.hypothetical(match):
        return _Read.DOUBT
    if rule.kind not in _NOT_HYPOTHETICAL and context.reported():
        return _Read.DOUBT
    if context.negated(match) or context.laughing():
        return _Read.HELD
    return _Read.CLEAR


@dataclass(frozen=True, slots=True)
class RuleReading:
    """What the reviewed rules read in a message: their signal, and the evidence behind it."""

    signal: CrisisSignal | None
    #: Names from `EVIDENCE_NAMES`: each rule family that matched ("threat:maybe"), how its
    #: first match read (":clear", ":joke"), and the context words present ("distant_past").
    #: The statistical model weighs them with the words of the message.
    evidence: frozenset[str]
    #: The doubt comes from a clear phrase softened only by a negation or laughter, or from an
    #: ALWAYS family (a bare cry for help): the reviewers want the lines shown, so the model
    #: may not answer it with "no danger".
    held: bool = False
    #: The whole message is a short answer ("no", "ya", "ok gracias"): no danger, whatever
    #: the model says (`crisis_phrases.SHORT_ANSWERS`).
    answer: bool = False


_CONTEXT_EVIDENCE = (
    "distant_past",
    "laughing",
    "play",
    "habitual",
    "reported",
    "urgent",
    "question",
)
#: Every evidence name `read_rules` can report, in a fixed order (the model's feature list).
EVIDENCE_NAMES: tuple[str, ...] = (
    *dict.fromkeys(
        f"{kind.value}:{tier.value}{suffix}"
        for kind, tier, _ in phrases.RULE_TABLE
        for suffix in ("", ":clear", ":held", ":joke")
    ),
    *_CONTEXT_EVIDENCE,
)


def _context_evidence(text: str, context: _Context) -> set[str]:
    flags = {
        "distant_past": context.distant_past(),
        "laughing": context.laughing(),
        "play": context.play(),
        "habitual": context.habitual(),
        "reported": context.reported(),
        "urgent": _URGENT.search(context.key) is not None,
        "question": "?" in text[:MAX_CHARS],
    }
    return {name for name, present in flags.items() if present}


def read_rules(text: str) -> RuleReading:
    """Read `text` with the reviewed rules: the signal (None when there is none) and evidence.

    Fast (compiled rules, no I/O): meant to run on every message before NLU.
    """
    if fold(text[:MAX_CHARS]) in phrases.SHORT_ANSWERS:
        return RuleReading(None, frozenset(), answer=True)
    key = _MASKS.sub(" , ", _key(text))
    if not key.strip(" ,"):
        return RuleReading(None, frozenset())
    context = _Context(text, key)
    certain: set[DangerKind] = set()
    possible: set[DangerKind] = set()
    evidence = _context_evidence(text, context)
    held = False
    for rule in _RULES:
        name = f"{rule.kind.value}:{rule.tier.value}"
        # A bounded number of matches per rule keeps a pathological 4,096-character message
        # (the same phrase repeated) as fast as an ordinary one.
        matches = zip(range(_MAX_MATCHES_PER_RULE), rule.pattern.finditer(key), strict=False)
        for count, match in matches:
            reading = _reading(rule, match, context)
            if count == 0:
                evidence.add(name)
                if reading is not _Read.DOUBT:
                    evidence.add(f"{name}:{reading.value}")
            if rule.kind in certain:
                break  # the evidence needs only the first match
            if reading is _Read.CLEAR:
                certain.add(rule.kind)
                break
            if reading is not _Read.JOKE:
                possible.add(rule.kind)
                held = held or reading is _Read.HELD
    if certain:
        signal: CrisisSignal | None = CrisisSignal(frozenset(certain), uncertain=False)
    elif possible:
        signal = CrisisSignal(frozenset(possible), uncertain=True)
    else:
        signal = None
    return RuleReading(signal, frozenset(evidence), held=held and not certain)


def detect_crisis(text: str) -> CrisisSignal | None:
    """Read `text` with the reviewed rules alone; None when they see no sign of danger."""
    return read_rules(text).signal
