"""How the gazetteer reads what people type: folding, abbreviations, fillers and aliases.

Everything here works on *normalised* text: NFKD accent folding, casefold, punctuation turned
into spaces, single spaces. Names in the data file go through the same `normalize`, so a
member's "Cd. Juárez" and the data's "Ciudad Juárez" meet as "ciudad juarez".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_NON_WORD = re.compile(r"[^0-9a-z]+")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Abbreviations people write, expanded token by token (after normalisation).
ABBREVIATIONS: dict[str, str] = {
    "cd": "ciudad",
    "cdad": "ciudad",
    "col": "colonia",
    "cols": "colonia",
    "fracc": "fraccionamiento",
    "frac": "fraccionamiento",
    "fracto": "fraccionamiento",
    "fraccto": "fraccionamiento",
    "gral": "general",
    "sn": "san",
    "sta": "santa",
    "sto": "santo",
    "ste": "santa",
    "ampl": "ampliacion",
    "amp": "ampliacion",
    "ej": "ejido",
    "res": "residencial",
    "resid": "residencial",
    "unid": "unidad",
    "hab": "habitacional",
    "mpio": "municipio",
    "edo": "estado",
    "fco": "francisco",
    "ma": "maria",
    "pdte": "presidente",
    "pte": "presidente",
    "lic": "licenciado",
    "ing": "ingeniero",
    "prof": "profesor",
    "dr": "doctor",
    "hda": "hacienda",
    "pblo": "pueblo",
    "bo": "barrio",
    "nvo": "nuevo",
    "nva": "nueva",
}

#: Words of a sentence that never name a place ("estoy en la col. X en Y"). None of them is
#: a token of a municipality or state name (a test checks it against the data file).
FILLERS: frozenset[str] = _words(
    """
    al aqui aca ahi ahorita alla ando andamos cerca cerquita donde en entre es esta estamos
    estoy me mi mis nos por porfa favor queda quedamos rumbo se soy su sus te tu ubicacion
    ubicado ubicada vivimos vivo yo hola buenas dias tardes noches gracias municipio
    direccion domicilio codigo postal cp
    """
)

#: Words that name the kind of settlement; dropped from a colonia query ("col. X" -> "x").
SETTLEMENT_WORDS: frozenset[str] = _words(
    """
    colonia colonias fraccionamiento barrio ejido residencial unidad habitacional conjunto
    condominio ampliacion pueblo rancheria rancho poblado asentamiento
    """
)

#: Articles and prepositions trimmed from the edges of a colonia query.
EDGE_WORDS: frozenset[str] = _words("el la los las de del y o e")

#: Short names and nicknames -> INEGI code (5 digits: municipality; 2 digits: state).
ALIASES: dict[str, str] = {
    # states
    "cdmx": "09",
    "df": "09",
    "distrito federal": "09",
    "ciudad de mexico": "09",
    "edomex": "15",
    "edo mex": "15",
    "estado de mexico": "15",
    "nl": "19",
    "bc": "02",
    "bcs": "03",
    "chih": "08",
    "jal": "14",
    "mich": "16",
    "qro": "22",
    "qroo": "23",
    "slp": "24",
    "ags": "01",
    "coah": "05",
    "tamps": "28",
    "gto": "11",
    "zac": "32",
    "yuc": "31",
    # municipalities
    "mty": "19039",
    "gdl": "14039",
    "guanatos": "14039",
    "neza": "15058",
    "ciudad neza": "15058",
    "tj": "02004",
    "tijuas": "02004",
    "juarez": "08037",
    "juaritos": "08037",
    "cd juarez": "08037",
    "ciudad juarez": "08037",
    "escobedo": "19021",
    "ciudad general escobedo": "19021",
    "guadalupe nl": "19026",
    "zapo": "14120",
    "tlaquepaque": "14098",
    "tlajo": "14097",
    "san nicolas": "19046",
    "san pedro garza garcia": "19019",
    "chihuahua capital": "08019",
    "ecatepec": "15033",
    "naucalpan": "15057",
    "acapulco": "12001",
    "cancun": "23005",
    "villahermosa": "27004",
    "chetumal": "23004",
    "ciudad obregon": "26018",
    "los mochis": "25001",
    "culiacan": "25006",
    "leon": "11020",
    "puebla": "21114",
    "queretaro": "22014",
    "oaxaca": "20067",
    "veracruz": "30193",
    "merida": "31050",
    "toluca": "15106",
    "mexicali": "02002",
    "ensenada": "02001",
    "reynosa": "28032",
    "matamoros": "28022",
    "nuevo laredo": "28027",
    "saltillo": "05030",
    "torreon": "05035",
    "hermosillo": "26030",
    "morelia": "16053",
}


def fold(text: str) -> str:
    """Accent-fold and casefold: "Ciudad Juárez" -> "ciudad juarez" (keeps punctuation)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def normalize(text: str) -> str:
    """Fold accents and case, and turn punctuation into single spaces."""
    return " ".join(_NON_WORD.sub(" ", fold(text)).split())


def tokens(text: str) -> list[str]:
    """Normalised tokens with abbreviations expanded and runs of initials joined.

    "Cd. Juárez, N.L." -> ["ciudad", "juarez", "nl"]: "N.L." becomes "n l" once punctuation is
    gone, and a run of two or more one-letter tokens is one initialism.
    """
    raw = normalize(text).split()
    joined: list[str] = []
    run: list[str] = []
    for token in [*raw, ""]:
        if len(token) == 1 and token.isalpha():
            run.append(token)
            continue
        if len(run) >= 2:
            joined.append("".join(run))
        else:
            joined.extend(run)
        run = []
        if token:
            joined.append(token)
    return [ABBREVIATIONS.get(token, token) for token in joined]


def key(text: str) -> str:
    """The search key of a name: its normalised tokens with abbreviations expanded."""
    return " ".join(tokens(text))


def trim_edges(words: list[str]) -> list[str]:
    """Drop articles and prepositions at both ends ("la riberas del bravo de" -> ...)."""
    start, end = 0, len(words)
    while start < end and words[start] in EDGE_WORDS:
        start += 1
    while end > start and words[end - 1] in EDGE_WORDS:
        end -= 1
    return words[start:end]


_POSTAL_CODE = re.compile(r"^\d{5}$")
_SHORT_POSTAL_CODE = re.compile(r"^\d{4}$")
MIN_SHORT_NAME_LENGTH = 5


#: Only these are dropped from the start of a colonia's words: "del", "la", "las"... begin
#: names ("Del Valle", "La Finca", "Las Flores").
_LEADING_NOISE = frozenset({"de", "y", "o", "e"})


def colonia_words(words: list[str]) -> list[str]:
    """The words naming a colonia: without "colonia"/"fracc." and the article before them
    ("la colonia del valle" -> "del valle"), nor a dangling "de" ("centro de")."""
    kept = [
        word
        for index, word in enumerate(words)
        if word not in SETTLEMENT_WORDS
        and not (
            word in EDGE_WORDS and index + 1 < len(words) and words[index + 1] in SETTLEMENT_WORDS
        )
    ]
    while kept and kept[-1] in EDGE_WORDS:
        kept.pop()
    while kept and kept[0] in _LEADING_NOISE:
        kept.pop(0)
    return kept


#: Words too common to stand for a municipality on their own ("Valle de Bravo" -> "valle").
_GENERIC_HEADS = frozenset(
    {"ciudad", "heroica", "villa", "valle", "san", "santa", "santo", "santiago"}
    | {"nuevo", "nueva", "pueblo", "general", "real"}
)


def short_name(name_key: str) -> str | None:
    """How people shorten a "X de Y" name: "naucalpan de juarez" -> "naucalpan"."""
    head = re.split(r" (?:de|del) ", name_key, maxsplit=1)[0]
    if head == name_key or len(head) < MIN_SHORT_NAME_LENGTH or head in _GENERIC_HEADS:
        return None
    return head


def split_postal_codes(words: Iterable[str]) -> tuple[list[str], list[str]]:
    """Five-digit tokens are postal codes; so is a four-digit one after "cp" (1000 -> 01000)."""
    postal_codes: list[str] = []
    rest: list[str] = []
    previous = ""
    for word in words:
        if _POSTAL_CODE.match(word):
            postal_codes.append(word)
        elif _SHORT_POSTAL_CODE.match(word) and previous in {"cp", "postal"}:
            postal_codes.append("0" + word)
        else:
            rest.append(word)
        previous = word
    return postal_codes, rest
