"""The crisis detector reads danger in the way teenagers in Mexican cities write about it."""

from __future__ import annotations

import time

import pytest

from domain.crisis import CrisisSignal, DangerKind, _phrase_body, detect_crisis, fold, read_rules

K = DangerKind

# Messages that must be read as clear danger of the given kind (uncertain=False).
CLEAR_DANGER: dict[DangerKind, list[str]] = {
    K.SUICIDE_SELF_HARM: [
        "ya no quiero vivir",
        "me kiero morir",
        "me quierooo morirrr",
        "neta ya me quiero morir, nadie me entiende",
        "quiero matarme",
        "pienso en matarm",
        "a veces pienso en suicidarme",
        "me voy a suisidar hoy",
        "tengo pensamientos suicidas desde hace meses",
        "me quiero cortar otra vez",
        "me corto los brazos cuando estoy triste",
        "me volví a cortar",
        "me quiero aventar del puente",
        "me tomé todas las pastillas de mi mamá",
        "ojalá me muriera",
        "quisiera dormirme y no despertar",
        "todos estarían mejor sin mí",
        "ME VOY A QUITAR LA VIDA",
        "estoy cansada de vivir",
        "quiero dejar de existir",
        "I want to kill myself",
        "i dont want to live anymore",
        "sometimes i cut myself",
        "I feel suicidal",
        "mi amiga se quiere suicidar, qué hago",
        "mi hijo se quiere ahorcar",
        "me acabo de cortar los brazos",
        "my friend is going to kill himself",
    ],
    K.VIOLENCE_NOW: [
        "me está pegando ahorita",
        "me esta golpeando mi padrastro",
        "mi novio me pega",
        "mi esposo me golpea cuando toma",
        "me están golpeando afuera de la escuela",
        "me pegan en la escuela todos los días",
        "mi hermano me ahorca cuando se enoja",
        "mi pareja me maltrata",
        "me quiere golpear, ayúdenme",
        "mi novio me pegó ayer",
        "me dieron una golpiza a la salida",
        "me dejó moretones en los brazos",
        "el wey con el que salgo me cacheteó",
        "mi ex me jaloneó del brazo",
        "he's hitting me",
        "my boyfriend hits me",
        "my husband beat me last night",
        "me están apuñalando",
        "lo acuchillaron y está sangrando",
    ],
    K.THREAT: [
        "me quieren matar",
        "nos van a matar",
        "me amenazó con un cuchillo",
        "me amenazo con una pistola",
        "me dijo que me iba a matar si hablaba",
        "me están siguiendo desde la parada",
        "un carro me viene siguiendo",
        "me están extorsionando, me cobran piso",
        "si no pago me matan",
        "me sacó una navaja en el camión",
        "me apuntaron con una pistola",
        "hay hombres armados afuera de mi casa",
        "mi ex me tiene amenazada",
        "recibí amenazas de muerte",
        "someone is following me",
        "he threatened to kill me",
        "my ex wants to kill me",
    ],
    K.SEXUAL_VIOLENCE: [
        "me violaron",
        "me violó mi primo",
        "abusó de mí",
        "abusaron de mi en una fiesta",
        "me tocó sin permiso",
        "me manosea en el camión",
        "me están obligando a mandar fotos",
        "me obligan a tener relaciones",
        "me quiso violar",
        "fui violada",
        "si no le mando el pack lo va a subir",
        "me drogaron y abusaron de mí",
        "me acosa sexualmente mi jefe",
        "un compañero me toca las piernas sin que yo quiera",
        "me acaban de violar",
        "I was raped",
        "he raped me",
        "he touched me without asking",
    ],
    K.SHOOTING: [
        "balacera en la esquina",
        "hay una balacera afuera de mi casa",
        "están disparando",
        "se oyen balazos",
        "se escuchan disparos cerca de la prepa",
        "le dispararon a mi vecino",
        "me dieron un balazo en la pierna",
        "andan tirando balazos en la colonia",
        "hay un tiroteo en el centro",
        "hubo un enfrentamiento armado en mi calle",
        "rafaguearon una casa",
        "están balaceando la tienda",
        "ayer hubo una balacera en mi colonia",
        "BALASERAAA",
        "they're shooting outside",
        "shots fired near my school",
        "I heard gunshots",
    ],
    K.KIDNAPPING: [
        "me quieren levantar",
        "me levantaron unos tipos",
        "levantaron a mi hermano",
        "secuestraron a mi hermano",
        "se llevaron a mi primo en una camioneta",
        "me quisieron subir a una camioneta",
        "me tienen secuestrada",
        "estoy secuestrado",
        "le dieron un levantón a mi tío",
        "piden rescate por mi papá",
        "desaparecieron a mi hermana",
        "me intentaron secuestrar saliendo de la escuela",
        "lo levantaron ayer en la noche",
        "unos hombres me quieren subir a un carro",
        "mi hija no llegó y me llamaron pidiendo rescate",
        "my brother was kidnapped",
        "they kidnapped my sister",
        "someone is holding us hostage",
    ],
    K.CHILD_ABUSE: [
        "mi papa me pega con el cinturon",
        "mi mamá me golpea",
        "mi padrastro me toca en las noches",
        "mi jefa me pega con el cable",
        "mis papás me pegan",
        "el novio de mi mamá me pega",
        "le pegan a mi hermanito",
        "abusan de mi hermanita",
        "mi tío abusa de mí",
        "en mi casa me pegan",
        "mi abuela me quema con la plancha",
        "mi papá me ahorca",
        "mi mamá me deja sin comer",
        "mi madrastra me encierra en el cuarto",
        "my dad hits me",
        "my stepdad touches me",
    ],
    K.EMERGENCY: [
        "estoy en peligro",
        "llamen a la policía",
        "mi amiga no respira",
        "se está desangrando",
        "necesito una ambulancia",
        "mi hermano tuvo una sobredosis",
        "es una emergencia",
        "auxilio ayúdenme",
        "corro peligro",
        "mi vida corre peligro",
        "no está respirando",
        "perdió el conocimiento",
        "está convulsionando",
        "I'm in danger",
        "call an ambulance",
        "my friend is not breathing",
    ],
}

# Messages where danger is possible but not clear: the lines are shown, then the normal flow.
POSSIBLE_DANGER: list[tuple[str, DangerKind]] = [
    ("no aguanto más", K.SUICIDE_SELF_HARM),
    ("ya no puedo más con todo", K.SUICIDE_SELF_HARM),
    ("quiero desaparecer", K.SUICIDE_SELF_HARM),
    ("no me quiero morir", K.SUICIDE_SELF_HARM),
    ("mi hija se corta y no sé cómo hablar con ella", K.SUICIDE_SELF_HARM),
    ("me quiero morir jaja", K.SUICIDE_SELF_HARM),
    ("qué hago si veo una balacera", K.SHOOTING),
    ("me corté", K.SUICIDE_SELF_HARM),
    ("me violaron cuando era niña", K.SEXUAL_VIOLENCE),
    ("hace dos años abusaron de mí", K.SEXUAL_VIOLENCE),
    ("un señor me pide fotos desnuda", K.SEXUAL_VIOLENCE),
    ("mi papá me pegaba de niño", K.CHILD_ABUSE),
    ("mi mamá me va a matar cuando vea mis calificaciones", K.THREAT),
    ("en fortnite me están disparando", K.SHOOTING),
    ("mi hermano no aparece desde ayer", K.KIDNAPPING),
    ("auxilio", K.EMERGENCY),
    ("cuál es el número de emergencia", K.EMERGENCY),
    ("dónde denuncio violencia familiar", K.VIOLENCE_NOW),
    ("my mom is going to kill me", K.THREAT),
]

# Colloquial and ordinary messages: no crisis at all.
NO_DANGER = [
    "hola",
    "gracias",
    "buenas noches",
    "necesito un psicologo en juarez",
    "donde hay un abogado",
    "me muero de risa",
    "me muero de hambre",
    "me muero de sueño",
    "me mata el calor",
    "me mató la tarea",
    "esta de muerte",
    "es un chiste matado",
    "mátalo, es el jefe final del juego",
    "muero por verte",
    "la rola esta que mata",
    "me muero de ganas de ir al concierto",
    "vamos a matar el tiempo en la plaza",
    "me quiero morir de la vergüenza jaja",
    "me corté el pelo",
    "mi novio me cortó",
    "se me cortó la llamada",
    "me pegó la gripa",
    "esa canción me pega bien duro",
    "ayer me pegué con la puerta",
    "me levanté tarde",
    "me levantaron temprano para ir a la escuela",
    "ya me levantaron el castigo",
    "me toca lavar los trastes",
    "me tocó el maestro más estricto",
    "violaron las reglas del torneo",
    "abusó de mi confianza",
    "el precio de la gasolina se disparó",
    "vi una película de secuestros",
    "metió el tiro libre en el partido",
    "tengo ansiedad",
    "me siento triste",
    "busco un grupo de jóvenes en Morelia",
    "quiero estudiar la prepa abierta",
    "cómo va mi CASO-0042",
    "vivo en el cp 32000",
    "quiero dejar de fumar",
    "mi hermano consume drogas",
    "hay ráfagas de viento en Juárez hoy",
    "ya me morí de cansancio jaja",
    "el celular ya se murió",
    "me quiero ir de fiesta",
    "mis papás no me dejan salir",
    "me quiero cortar el fleco",
    "nos mataron en el partido cinco a cero",
    "voy a matar a mi hermano si se come mi pastel",
    "me están siguiendo en TikTok",
    "me secuestraron la cuenta de face",
    "curso de primeros auxilios",
    "no aguanto este calor",
    "I'm dying of laughter",
    "this homework is killing me",
    "we're shooting a video for school",
    "I'm dying to see you",
    "my phone died",
    "la tarea me va a matar",
    "ese chiste me mató jajaja",
    "el examen de mate me mató",
    "mi mamá me va a matar si llego tarde jaja",
    "mi jefe me va a matar si no entrego esto hoy jaja",
    "neta ya no aguanto a mi novio, me trae bien checada",
    "can you help me",
    "mi ex me sigue mandando mensajes",
]


def _cases(table: dict[DangerKind, list[str]]) -> list[tuple[DangerKind, str]]:
    return [(kind, text) for kind, texts in table.items() for text in texts]


@pytest.mark.parametrize(("kind", "text"), _cases(CLEAR_DANGER))
def test_clear_danger_is_detected_with_its_kind(kind: DangerKind, text: str) -> None:
    signal = detect_crisis(text)
    assert signal is not None, text
    assert kind in signal.kinds, (text, signal)
    assert signal.uncertain is False, (text, signal)


def test_every_kind_has_at_least_fifteen_clear_examples() -> None:
    assert set(CLEAR_DANGER) == set(DangerKind)
    assert all(len(texts) >= 15 for texts in CLEAR_DANGER.values())


@pytest.mark.parametrize(("text", "kind"), POSSIBLE_DANGER)
def test_possible_danger_shows_the_lines_as_uncertain(text: str, kind: DangerKind) -> None:
    signal = detect_crisis(text)
    assert signal is not None, text
    assert kind in signal.kinds, (text, signal)
    assert signal.uncertain is True, (text, signal)


@pytest.mark.parametrize("text", NO_DANGER)
def test_colloquial_and_ordinary_messages_do_not_trigger(text: str) -> None:
    assert detect_crisis(text) is None


def test_there_are_at_least_forty_colloquial_and_ordinary_examples() -> None:
    assert len(NO_DANGER) >= 40


@pytest.mark.parametrize(
    "text",
    [
        "me quiero morir",
        "ME QUIERO MORIR",
        "Me quiero morír",
        "me kiero morir",
        "me qiero morir",
        "me quierooo morirrr",
        "meeee quieroooo moriiiiir",
        "mequieromorir",
        "me quiero morir 😭😭😭",
        "😭me😭quiero😭morir😭",
        "m kiero morir",
        "me... quiero... morir...",
    ],
)
def test_spelling_case_emoji_and_spacing_do_not_hide_a_crisis(text: str) -> None:
    signal = detect_crisis(text)
    assert signal == CrisisSignal(frozenset({K.SUICIDE_SELF_HARM}), uncertain=False)


def test_a_crisis_inside_a_long_ordinary_message_is_found() -> None:
    text = (
        "hola buenas noches, perdón que escriba tan tarde, no sé ni por qué les escribo, "
        "en la escuela todo mal y en mi casa también, la verdad ya no quiero vivir"
    )
    signal = detect_crisis(text)
    assert signal is not None
    assert K.SUICIDE_SELF_HARM in signal.kinds


def test_a_colloquial_phrase_does_not_hide_a_real_one_in_the_same_message() -> None:
    signal = detect_crisis("me muero de risa con mis amigos pero en mi casa me quiero morir")
    assert signal is not None
    assert signal.kinds == {K.SUICIDE_SELF_HARM}


def test_a_sentence_break_keeps_a_negation_from_hiding_the_next_sentence() -> None:
    signal = detect_crisis("No. Me quiero morir")
    assert signal is not None
    assert signal.uncertain is False


def test_an_urgent_word_turns_a_possible_danger_into_a_clear_one() -> None:
    possible = detect_crisis("me pega")
    clear = detect_crisis("me pega ahorita, ayuda")
    assert possible is not None
    assert possible.uncertain is True
    assert clear is not None
    assert clear.uncertain is False
    assert K.VIOLENCE_NOW in clear.kinds


def test_a_distant_past_disclosure_is_uncertain_but_a_recent_one_is_not() -> None:
    recent = detect_crisis("anoche me violaron")
    distant = detect_crisis("me violaron hace tres años")
    assert recent == CrisisSignal(frozenset({K.SEXUAL_VIOLENCE}), uncertain=False)
    assert distant == CrisisSignal(frozenset({K.SEXUAL_VIOLENCE}), uncertain=True)


def test_clear_danger_keeps_only_the_clear_kinds() -> None:
    signal = detect_crisis("cuando era niña me violaron y ahora me quiero morir")
    assert signal == CrisisSignal(frozenset({K.SUICIDE_SELF_HARM}), uncertain=False)


def test_several_kinds_of_clear_danger_are_all_reported() -> None:
    signal = detect_crisis("mi padrastro me está pegando y dice que nos va a matar a todos")
    assert signal is not None
    assert {K.VIOLENCE_NOW, K.THREAT} <= signal.kinds
    assert signal.uncertain is False


def test_empty_and_blank_messages_are_not_a_crisis() -> None:
    assert detect_crisis("") is None
    assert detect_crisis("   \n ") is None
    assert detect_crisis("😭😭😭") is None
    assert detect_crisis("...") is None


def test_a_signal_always_names_a_kind_of_danger() -> None:
    with pytest.raises(ValueError, match="at least one kind"):
        CrisisSignal(frozenset(), uncertain=True)


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("¡Me QUIERO morír!! 😭", "me quiero morir"),
        ("Ñandú   está\taquí\n", "nandu esta aqui"),
        ("don't", "dont"),
        ("CASO-0042, CP 32000", "caso 0042 cp 32000"),
        ("ÁÉÍÓÚÜ", "aeiouu"),
        ("ﬁn", "fin"),
        ("___", ""),
    ],
)
def test_fold_removes_accents_case_punctuation_and_extra_spaces(raw: str, folded: str) -> None:
    assert fold(raw) == folded


def test_fold_keeps_letters_of_other_scripts() -> None:
    assert fold("Привет, мир") == "привет мир"


@pytest.mark.parametrize(
    "text",
    [
        "a" * 4096,
        "me " * 1365,
        "me pega " * 512,
        "mi papa siempre me " * 215,
        "no " * 1365,
        "😭" * 4096,
        "me quiero morir " * 256,
    ],
    ids=["letters", "me", "me-pega", "mi-papa", "no", "emoji", "repeated-phrase"],
)
def test_a_pathological_telegram_sized_message_is_read_quickly(text: str) -> None:
    started = time.perf_counter()
    detect_crisis(text)
    assert time.perf_counter() - started < 0.5  # ~20 ms on a loaded 2-core machine


def test_ordinary_messages_are_read_in_well_under_a_millisecond_on_average() -> None:
    messages = [text for texts in CLEAR_DANGER.values() for text in texts] + NO_DANGER
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        for text in messages:
            detect_crisis(text)
        best = min(best, (time.perf_counter() - started) / len(messages))
    assert best < 0.002  # measured ~0.1 ms; the bound leaves room for a busy CI machine


def test_a_phrase_whose_spelling_is_cut_by_regex_syntax_is_refused() -> None:
    # "forc\w*" would never match "forced", which the text respells as "forsed".
    with pytest.raises(ValueError, match="forc"):
        _phrase_body("forc\\w* me")


def test_laughing_silences_an_ambiguous_phrase_but_still_shows_the_lines_for_a_clear_one() -> None:
    assert detect_crisis("si repruebo me mato jajaja") is None
    assert detect_crisis("auxilio xD") is None
    joked = detect_crisis("me quiero morir jaja")
    assert joked == CrisisSignal(frozenset({K.SUICIDE_SELF_HARM}), uncertain=True)


def test_asking_what_to_do_in_a_danger_is_uncertain_but_asking_it_about_suicide_is_not() -> None:
    asked = detect_crisis("qué hacer en caso de balacera")
    assert asked == CrisisSignal(frozenset({K.SHOOTING}), uncertain=True)
    cry = detect_crisis("qué hago si me quiero morir")
    assert cry == CrisisSignal(frozenset({K.SUICIDE_SELF_HARM}), uncertain=False)
    disclosure = detect_crisis("qué hago si me violaron")
    assert disclosure == CrisisSignal(frozenset({K.SEXUAL_VIOLENCE}), uncertain=False)


def test_a_shooting_that_is_over_or_habitual_is_uncertain_but_one_heard_now_is_danger() -> None:
    over = detect_crisis("hubo una balacera hace un mes")
    habitual = detect_crisis("hay balaceras seguido en mi colonia")
    now = detect_crisis("se oyen balazos, hay balaceras seguido en mi colonia")
    assert over == CrisisSignal(frozenset({K.SHOOTING}), uncertain=True)
    assert habitual == CrisisSignal(frozenset({K.SHOOTING}), uncertain=True)
    assert now == CrisisSignal(frozenset({K.SHOOTING}), uncertain=False)


# -- after batch 2: past-tense disclosures follow the distant-past rule, narrower families ------


@pytest.mark.parametrize(
    ("recent", "over", "kind"),
    [
        (
            "me asaltaron con una pistola en el camión",
            "hace dos años me asaltaron con una pistola",
            K.THREAT,
        ),
        (
            "un cliente me amenazó con un cuchillo",
            "en 2019 un cliente me amenazó con un cuchillo",
            K.THREAT,
        ),
        ("lo secuestraron saliendo del trabajo", "a mi papá lo secuestraron en 2009", K.KIDNAPPING),
        ("levantaron a mi primo", "levantaron a mi primo hace años", K.KIDNAPPING),
        (
            "se llevaron a mi hermano",
            "se llevaron a mi hermano hace meses, ya regresó",
            K.KIDNAPPING,
        ),
        ("mi amigo tuvo una sobredosis", "mi amigo tuvo una sobredosis el año pasado", K.EMERGENCY),
        ("my friend overdosed", "a kid at her job overdosed last year", K.EMERGENCY),
    ],
)
def test_a_disclosure_in_the_past_tense_is_danger_unless_placed_in_the_distant_past(
    recent: str, over: str, kind: DangerKind
) -> None:
    now, then = detect_crisis(recent), detect_crisis(over)
    assert now is not None and kind in now.kinds and not now.uncertain, now
    assert then is not None and kind in then.kinds and then.uncertain, then


@pytest.mark.parametrize(
    "text",
    [
        "el calorón me está matando",  # singular "me está matando" without a person: a doubt
        "escuché que la naloxona salva vidas en sobredosis",  # the overdose named, not described
        "¿qué se hace si alguien tiene una sobredosis en una fiesta?",
    ],
)
def test_narrowed_families_leave_their_idioms_and_questions_to_the_model(text: str) -> None:
    signal = detect_crisis(text)
    assert signal is not None and signal.uncertain, signal
    assert not read_rules(text).held


def test_they_are_killing_me_stays_danger_and_a_person_killing_me_now_too() -> None:
    for text in ("me están matando", "me está matando, ayúdenme"):
        signal = detect_crisis(text)
        assert signal is not None and not signal.uncertain, (text, signal)


@pytest.mark.parametrize(
    "text",
    [
        "ayuda",
        "AYUDAAAA",
        "ayuda!!",
        "ayuda ayuda ayuda",
        "hola?? ayuda",
        "urge ayuda",
        "necesito ayuda ya",
        "aiudaaa plis",
        "socorro!!",
        "auxilio 🆘",
        "HELP HELP",
        "please help me",
        "SOS pls",
    ],
)
def test_a_message_that_is_nothing_but_a_cry_always_shows_the_lines(text: str) -> None:
    reading = read_rules(text)
    assert reading.signal is not None and reading.signal.uncertain, text
    assert reading.held, text  # the model may not answer it with "no danger"


@pytest.mark.parametrize(
    "text",
    ["necesito ayuda", "ayuda con el menú", "help me find a lawyer", "auxilio xD", "ayudaaa jaja"],
)
def test_a_cry_with_other_words_or_laughing_is_not_a_bare_cry(text: str) -> None:
    assert not read_rules(text).held, text
