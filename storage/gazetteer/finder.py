"""Turning what a member types into ranked places: the `PlaceFinder` port, offline.

How a text is read:

1. Normalise and tokenise (`text.tokens`): accents, case, punctuation, abbreviations
   ("Cd." -> "ciudad", "col." -> "colonia"), then drop conversational fillers ("estoy en").
2. A five-digit token is a código postal: its settlements are the answer.
3. Mentions: every run of up to five words that names a municipality, a state or an alias.
   Runs of five letters or more may be misspelt (fuzz.ratio, which penalises a difference in
   length, so "bravo" does not name "Valle de Bravo"); shorter ones ("tj", "gdl") must be exact.
   A run right after "colonia"/"fracc." is the colonia's name, not a place mention.
4. Each mention is read as the place, and the other words as a colonia searched *inside* it
   (rapidfuzz WRatio with a cutoff); a state mention also narrows a municipality mention
   ("guadalupe nuevo león").
5. Unless that already found a good match, the whole text is matched against municipality
   and state names (WRatio with a cutoff; not when it says "colonia X" and names no place),
   and, when nothing named a place, against the settlements of the 50 most populous
   municipalities having one whose name contains every long word of it.

Scores are 0-100: 93 % match quality plus log10 of the population (up to ~7 points), so among
equally good matches the bigger place comes first; close candidates are all returned for the
member to choose from.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from rapidfuzz import fuzz, process

from domain.directory import Municipality
from domain.geo import haversine_km
from domain.ports import PlaceCandidate
from storage.gazetteer.data import GazetteerData, MunicipalityRecord
from storage.gazetteer.ranking import Candidates, combined_score, lowered, tie_broken
from storage.gazetteer.text import (
    ALIASES,
    EDGE_WORDS,
    FILLERS,
    SETTLEMENT_WORDS,
    colonia_words,
    key,
    short_name,
    split_postal_codes,
    tokens,
    trim_edges,
)

#: The whole text against municipality/state names (WRatio). Above 85.5, which WRatio gives
#: to any longer name that merely shares one word ("ciudad jaurez" / "ciudad lázaro cárdenas").
NAME_CUTOFF = 86.0
#: Names shorter than this are matched exactly only (as substrings they are everywhere).
MIN_FUZZY_LENGTH = 5
#: A run of words naming a municipality or state (fuzz.ratio).
MENTION_CUTOFF = 80.0
#: A mention this good hides the mentions inside it ("leon" inside "nuevo leon").
MENTION_SHADOW = 90.0
MAX_MENTION_WORDS = 5
#: Colonia words against the settlements of a municipality or state (WRatio).
SETTLEMENT_CUTOFF = 86.0
#: ... and against every settlement when nothing named a place (stricter, ranked lower).
GLOBAL_SETTLEMENT_CUTOFF = 90.0
GLOBAL_PENALTY = 4.0
GLOBAL_MIN_WORD = 4
GLOBAL_MAX_MUNICIPALITIES = 50
#: The municipality of a matched colonia is still offered, this much lower...
MUNICIPALITY_FALLBACK_PENALTY = 8.0
#: ... and a municipality with words left over that matched nothing, this much lower.
UNEXPLAINED_PENALTY = 3.0
#: A match this good means the text named a place: no search through every settlement...
CONFIDENT = 95.0
#: ... and when mentions found something this good, no whole-text name search either.
LEFTOVER_NAME_SEARCH = 90.0
MUNICIPALITIES_PER_MENTION = 4
ALIAS_BONUS = 1.0
STATE_PENALTY = 0.5

_NOT_NAME_EDGE = EDGE_WORDS | SETTLEMENT_WORDS


#: The largest municipalities (Ensenada, Ahumada, Ocampo...) reach about this far from their
#: main place; a point farther from every main place is outside the country's municipalities.
MUNICIPALITY_REACH_KM = 250.0


@dataclass(frozen=True, slots=True)
class _Target:
    """What a name points at: a municipality (5-digit code) or a state (2-digit code)."""

    code: str
    alias: bool

    @property
    def is_state(self) -> bool:
        return len(self.code) == 2


@dataclass(frozen=True, slots=True)
class _Mention:
    start: int
    end: int
    matches: tuple[tuple[_Target, float], ...]

    @property
    def best(self) -> float:
        return max(score for _, score in self.matches)

    @property
    def names_state(self) -> bool:
        return any(target.is_state for target, _ in self.matches)

    @property
    def positions(self) -> set[int]:
        return set(range(self.start, self.end))

    def overlaps(self, other: _Mention) -> bool:
        return self.start < other.end and other.start < self.end

    def inside(self, other: _Mention) -> bool:
        return other.start <= self.start and self.end <= other.end and self != other


class Gazetteer:
    """Offline place finder over SEPOMEX settlements and GeoNames municipality points."""

    def __init__(self, data: GazetteerData) -> None:
        self._data = data
        self._names: dict[str, dict[str, _Target]] = {}
        for record in data.municipalities.values():
            for name_key in record.name_keys:
                self._add_name(name_key, _Target(record.code, alias=False))
                short = short_name(name_key)
                if short:
                    self._add_name(short, _Target(record.code, alias=False))
        for state in data.states.values():
            for name in (state.name, *state.aka):
                self._add_name(key(name), _Target(state.code, alias=False))
        for alias, code in ALIASES.items():
            if code in data.municipalities or code in data.states:
                self._add_name(key(alias), _Target(code, alias=True))
        by_length = sorted(self._names, key=lambda name: (len(name), name))
        self._mention_keys = by_length
        self._mention_lengths = [len(name) for name in by_length]
        self._fuzzy_keys = [name for name in by_length if len(name) >= MIN_FUZZY_LENGTH]
        self._main_municipality: dict[str, MunicipalityRecord] = {}
        for record in data.municipalities.values():
            main = self._main_municipality.get(record.state.code)
            if main is None or (record.population, record.code) > (main.population, main.code):
                self._main_municipality[record.state.code] = record

    def _add_name(self, name_key: str, target: _Target) -> None:
        targets = self._names.setdefault(name_key, {})
        known = targets.get(target.code)
        if known is None or (target.alias and not known.alias):
            targets[target.code] = target

    # ---------------------------------------------------------------- PlaceFinder port

    def resolve(self, text: str, limit: int = 5) -> list[PlaceCandidate]:
        """Ranked candidates for what a member typed (empty when nothing is close)."""
        if limit <= 0:
            return []
        words = tokens(text)
        postal_codes, words = split_postal_codes(words)
        words = [word for word in words if word not in FILLERS]
        found = Candidates()
        if postal_codes:
            self._add_postal_codes(postal_codes, words, found)
            if found or not words:
                return found.top(limit)
        if not words:
            return []
        mentions = self._mentions(words)
        for mention in mentions:
            self._interpret(mention, mentions, words, found)
        # "colonia X" without a place named: X is a colonia, not a misspelt municipality.
        says_colonia = any(word in SETTLEMENT_WORDS for word in words)
        if (mentions and found.best() < LEFTOVER_NAME_SEARCH) or not (mentions or says_colonia):
            query = " ".join(trim_edges([w for w in words if w not in SETTLEMENT_WORDS]))
            self._add_name_matches(query, found)
        if not mentions and found.best() < CONFIDENT:
            self._add_any_settlement(" ".join(colonia_words(words)), found)
        return found.top(limit)

    @cached_property
    def _municipality_points(self) -> tuple[list[MunicipalityRecord], np.ndarray]:
        """Each municipality's record and main place (radians), in the gazetteer's order."""
        records = list(self._data.municipalities.values())
        points = np.radians(
            np.array([(r.latitude, r.longitude) for r in records], dtype=float).reshape(-1, 2)
        )
        return records, points

    def municipality(self, inegi_code: str) -> Municipality | None:
        record = self._data.municipalities.get(inegi_code)
        return _municipality(record) if record else None

    def nearest_municipality(self, latitude: float, longitude: float) -> Municipality | None:
        """The municipality whose main place is nearest (there are no boundaries offline), or
        None when the point is farther than MUNICIPALITY_REACH_KM from every one (outside
        Mexico, or at sea)."""
        records, points = self._municipality_points
        if not records:
            return None
        # Every shared location asks this: the distances to all ~2,500 main places at once
        # (a Python loop over them cost 2-3 ms of CPU), then the exact distance for the few
        # nearest (the same answer as the loop, ties in the same order).
        lat, lon = math.radians(latitude), math.radians(longitude)
        a = (
            np.sin((points[:, 0] - lat) / 2) ** 2
            + math.cos(lat) * np.cos(points[:, 0]) * np.sin((points[:, 1] - lon) / 2) ** 2
        )
        few = np.sort(np.argpartition(a, min(4, len(records) - 1))[:5])
        nearest = min(
            (records[int(i)] for i in few),
            key=lambda r: haversine_km(latitude, longitude, r.latitude, r.longitude),
        )
        if haversine_km(latitude, longitude, nearest.latitude, nearest.longitude) > (
            MUNICIPALITY_REACH_KM
        ):
            return None
        return _municipality(nearest)

    # ---------------------------------------------------------------- postal codes

    def _add_postal_codes(
        self, postal_codes: list[str], words: list[str], found: Candidates
    ) -> None:
        """Every settlement of the postal codes; other words only order them."""
        query = " ".join(colonia_words(words))
        for postal_code in postal_codes:
            for record, position in self._with_postal_code(postal_code):
                score = 100.0
                if query:
                    score = 90.0 + fuzz.WRatio(query, record.settlements.keys[position]) / 10.0
                found.add(self._settlement_candidate(record, position, score, "postal_code"))

    def _with_postal_code(self, postal_code: str) -> list[tuple[MunicipalityRecord, int]]:
        return [
            (record, position)
            for record in self._data.municipalities.values()
            if postal_code in record.settlements.packed_postal_codes
            for position in record.settlements.with_postal_code(postal_code)
        ]

    # ---------------------------------------------------------------- names

    def _mentions(self, words: list[str]) -> list[_Mention]:
        mentions: list[_Mention] = []
        for start in range(len(words)):
            if start > 0 and words[start - 1] in SETTLEMENT_WORDS:
                continue  # "col. centro": the colonia's name, not the municipality Centro
            for end in range(start + 1, min(len(words), start + MAX_MENTION_WORDS) + 1):
                if words[start] in _NOT_NAME_EDGE or words[end - 1] in _NOT_NAME_EDGE:
                    continue
                matches = self._match_phrase(" ".join(words[start:end]))
                if matches:
                    mentions.append(_Mention(start, end, tuple(matches)))
        return [
            mention
            for mention in mentions
            if not any(
                mention.inside(other) and other.best >= max(MENTION_SHADOW, mention.best)
                for other in mentions
            )
        ]

    def _match_phrase(self, phrase: str) -> list[tuple[_Target, float]]:
        if len(phrase) < MIN_FUZZY_LENGTH:
            return [(target, 100.0) for target in self._names.get(phrase, {}).values()]
        # fuzz.ratio >= 80 needs the two lengths within 2/3..3/2 of each other.
        low = bisect.bisect_left(self._mention_lengths, math.ceil(len(phrase) * 2 / 3))
        high = bisect.bisect_right(self._mention_lengths, math.floor(len(phrase) * 3 / 2))
        hits = process.extract(
            phrase,
            self._mention_keys[low:high],
            scorer=fuzz.ratio,
            score_cutoff=MENTION_CUTOFF,
            limit=None,
        )
        return [(target, score) for name, score, _ in hits for target in self._names[name].values()]

    def _add_name_matches(self, query: str, found: Candidates) -> None:
        matches = [(target, 100.0) for target in self._names.get(query, {}).values()]
        if len(query) >= MIN_FUZZY_LENGTH:
            hits = process.extract(
                query, self._fuzzy_keys, scorer=fuzz.WRatio, score_cutoff=NAME_CUTOFF, limit=30
            )
            matches += [(t, score) for name, score, _ in hits for t in self._names[name].values()]
        for target, score in matches:
            found.add(self._name_candidate(target, score))

    def _interpret(
        self, mention: _Mention, mentions: list[_Mention], words: list[str], found: Candidates
    ) -> None:
        """Read `mention` as the place, and the words around it as a colonia there."""
        used = mention.positions
        municipalities = [(t, s) for t, s in mention.matches if not t.is_state]
        states = [(t, s) for t, s in mention.matches if t.is_state]
        for qualifier in mentions:
            if qualifier.overlaps(mention) or not qualifier.names_state:
                continue
            state_codes = {t.code for t, _ in qualifier.matches if t.is_state}
            narrowed = [(t, s) for t, s in municipalities if t.code[:2] in state_codes]
            if narrowed and qualifier.best >= MENTION_SHADOW:
                municipalities = narrowed
                used = used | qualifier.positions
        rest = [i for i in range(len(words)) if i not in used]
        query = " ".join(colonia_words([words[i] for i in rest]))
        ranked = sorted(municipalities, key=lambda ts: -self._name_candidate(*ts).score)
        ranked = ranked[:MUNICIPALITIES_PER_MENTION]
        # Words that are themselves a place mention are read by that mention's turn.
        content = {i for i in rest if words[i] not in _NOT_NAME_EDGE}
        names_a_place = any(
            content <= other.positions
            for other in mentions
            if other.best >= MENTION_SHADOW and not other.overlaps(mention)
        )
        matched = False
        if len(query) >= 3 and not names_a_place:
            for target, score in ranked:
                records = [self._data.municipalities[target.code]]
                matched |= self._add_settlements(records, query, score, found)
            for target, score in states:
                records = [
                    r for r in self._data.municipalities.values() if r.state.code == target.code
                ]
                matched |= self._add_settlements(records, query, score, found)
        if matched:
            penalty = MUNICIPALITY_FALLBACK_PENALTY
        elif query:
            penalty = UNEXPLAINED_PENALTY
        else:
            penalty = 0.0
        for target, score in [*ranked, *states]:
            found.add(lowered(self._name_candidate(target, score), penalty))

    # ---------------------------------------------------------------- settlements

    def _add_settlements(
        self,
        records: Sequence[MunicipalityRecord],
        query: str,
        mention_score: float,
        found: Candidates,
    ) -> bool:
        added = False
        for record in records:
            hits = process.extract(
                query,
                record.settlements.keys,
                scorer=fuzz.WRatio,
                score_cutoff=SETTLEMENT_CUTOFF,
                limit=10,
            )
            for name_key, similarity, position in hits:
                similarity = tie_broken(query, name_key, similarity)
                match = 0.75 * similarity + 0.25 * mention_score
                found.add(self._settlement_candidate(record, position, match, "colonia"))
                added = True
        return added

    @cached_property
    def _all_keys(self) -> tuple[str, list[int], list[MunicipalityRecord]]:
        """Every municipality's packed settlement keys in one string, with where each starts."""
        records = list(self._data.municipalities.values())
        starts: list[int] = []
        position = 0
        for record in records:
            starts.append(position)
            position += len(record.settlements.packed_keys) + 1
        return "\n".join(r.settlements.packed_keys for r in records), starts, records

    def _records_with(self, word: str) -> list[MunicipalityRecord]:
        """Municipalities with a settlement key containing `word` (one scan of one string)."""
        packed, starts, records = self._all_keys
        found: dict[int, MunicipalityRecord] = {}
        offset = packed.find(word)
        while offset != -1:
            index = bisect.bisect_right(starts, offset) - 1
            found[index] = records[index]
            # Skip to the next municipality: one hit is enough to search it.
            next_start = starts[index + 1] if index + 1 < len(starts) else len(packed)
            offset = packed.find(word, next_start)
        return list(found.values())

    def _add_any_settlement(self, query: str, found: Candidates) -> None:
        """Settlements anywhere whose names contain every long word of the query."""
        words = [w for w in query.split() if len(w) >= GLOBAL_MIN_WORD and w not in EDGE_WORDS]
        if not words:
            return
        rarest, *others = sorted(words, key=len, reverse=True)  # longer words are rarer
        records = [
            record
            for record in self._records_with(rarest)
            if all(word in record.settlements.packed_keys for word in others)
        ]
        records.sort(key=lambda r: (-r.population, r.code))
        for record in records[:GLOBAL_MAX_MUNICIPALITIES]:
            keys = record.settlements.keys
            for position in record.settlements.containing(rarest):
                name_key = keys[position]
                if not all(word in name_key for word in others):
                    continue
                similarity = fuzz.WRatio(query, name_key, score_cutoff=GLOBAL_SETTLEMENT_CUTOFF)
                if similarity:
                    similarity = tie_broken(query, name_key, similarity)
                    candidate = self._settlement_candidate(record, position, similarity, "colonia")
                    found.add(lowered(candidate, GLOBAL_PENALTY))

    # ---------------------------------------------------------------- candidates

    def _name_candidate(self, target: _Target, match: float) -> PlaceCandidate:
        bonus = ALIAS_BONUS if target.alias else 0.0
        if target.is_state:
            state = self._data.states[target.code]
            main = self._main_municipality[state.code]
            return PlaceCandidate(
                kind="state",
                name=state.name,
                municipality="",
                state=state.name,
                inegi_code=state.code,
                latitude=main.latitude,
                longitude=main.longitude,
                score=combined_score(match, main.population, bonus - STATE_PENALTY),
                approximate=True,
            )
        record = self._data.municipalities[target.code]
        return PlaceCandidate(
            kind="municipality",
            name=record.name,
            municipality=record.name,
            state=record.state.name,
            inegi_code=record.code,
            latitude=record.latitude,
            longitude=record.longitude,
            score=combined_score(match, record.population, bonus),
            approximate=False,
        )

    def _settlement_candidate(
        self, record: MunicipalityRecord, position: int, match: float, kind: str
    ) -> PlaceCandidate:
        settlement = record.settlements[position]
        latitude, longitude = settlement.point or (record.latitude, record.longitude)
        return PlaceCandidate(
            kind=kind,
            name=settlement.name,
            municipality=record.name,
            state=record.state.name,
            inegi_code=record.code,
            latitude=latitude,
            longitude=longitude,
            score=combined_score(match, record.population, 0.0),
            postal_code=settlement.postal_code,
            approximate=settlement.point is None,
        )


def _municipality(record: MunicipalityRecord) -> Municipality:
    return Municipality(
        inegi_code=record.code,
        name=record.name,
        state=record.state.name,
        timezone=record.timezone,
        latitude=record.latitude,
        longitude=record.longitude,
    )
