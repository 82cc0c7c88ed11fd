"""parse_mode handling: the emulator accepts and rejects markup exactly where Telegram does."""

from __future__ import annotations

import pytest

from sandbox.errors import ApiError
from sandbox.formatting import parse_text


def spans(entities: list[dict[str, object]]) -> list[tuple[object, ...]]:
    return [(e["type"], e["offset"], e["length"]) for e in entities]


def test_html_entities_nest_and_count_utf16_units() -> None:
    text, entities = parse_text(
        '😀 <b>Línea <i>de la</i> Vida</b> <a href="tel:8009112000">800 911 2000</a>', "HTML"
    )
    assert text == "😀 Línea de la Vida 800 911 2000"
    assert spans(entities) == [("bold", 3, 16), ("italic", 9, 5), ("text_link", 20, 12)]
    assert entities[2]["url"] == "tel:8009112000"


def test_html_pre_takes_its_language_from_the_inner_code() -> None:
    text, entities = parse_text('<pre><code class="language-python">x = 1</code></pre>', "HTML")
    assert text == "x = 1"
    assert entities == [{"type": "pre", "offset": 0, "length": 5, "language": "python"}]


@pytest.mark.parametrize(
    ("markup", "detail"),
    [
        ("<b>sin cerrar", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>cruzado</b></i>", 'Unmatched end tag "</b>", expected "</i>"'),
        ("<p>párrafo</p>", 'Unsupported start tag "p"'),
    ],
)
def test_broken_html_is_refused(markup: str, detail: str) -> None:
    with pytest.raises(ApiError) as raised:
        parse_text(markup, "HTML")
    assert raised.value.status == 400
    assert raised.value.description == f"Bad Request: can't parse entities: {detail}"


def test_markdown_v2_entities_and_escapes() -> None:
    text, entities = parse_text(
        r"*Juntos* __no__ es ~una~ ||línea|| de emergencia\. Llama al `911` "
        r"[aquí](tel:911\))",
        "MarkdownV2",
    )
    assert text == "Juntos no es una línea de emergencia. Llama al 911 aquí"
    assert spans(entities) == [
        ("bold", 0, 6),
        ("underline", 7, 2),
        ("strikethrough", 13, 3),
        ("spoiler", 17, 5),
        ("code", 47, 3),
        ("text_link", 51, 4),
    ]
    assert entities[-1]["url"] == "tel:911)"


def test_markdown_v2_pre_block_with_language() -> None:
    text, entities = parse_text("```python\nprint(1)\n```", "MarkdownV2")
    assert text == "print(1)\n"
    assert entities == [{"type": "pre", "offset": 0, "length": 9, "language": "python"}]


@pytest.mark.parametrize(
    ("markup", "detail"),
    [
        ("Hola.", "Character '.' is reserved and must be escaped with the preceding '\\'"),
        ("(911)", "Character '(' is reserved and must be escaped with the preceding '\\'"),
        ("*sin cerrar", "Can't find end of the entity starting at byte offset 0"),
    ],
)
def test_unescaped_markdown_v2_is_refused(markup: str, detail: str) -> None:
    with pytest.raises(ApiError) as raised:
        parse_text(markup, "MarkdownV2")
    assert raised.value.description == f"Bad Request: can't parse entities: {detail}"


def test_legacy_markdown_needs_no_escaping_of_punctuation() -> None:
    text, entities = parse_text("*Hola.* Llama (gratis) al _911_.", "Markdown")
    assert text == "Hola. Llama (gratis) al 911."
    assert spans(entities) == [("bold", 0, 5), ("italic", 24, 3)]


def test_plain_text_is_left_alone() -> None:
    assert parse_text("<b>no es HTML</b> *ni markdown*", None) == (
        "<b>no es HTML</b> *ni markdown*",
        [],
    )
