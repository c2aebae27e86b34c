"""Positions in a document: lines, columns and raw byte offsets, BOM and multi-byte text included."""

from __future__ import annotations

import pytest

from depcheck.model import Span, SpanRole
from depcheck.sources.document import DecodeError, Document


def test_ascii_positions_and_spans() -> None:
    document = Document.from_bytes("r.txt", b"flask==3.0\r\nhttpx>=0.27\n")
    start = document.text.index("httpx")
    assert document.position(start) == (2, 1)
    assert document.span(start, start + len("httpx>=0.27")) == Span(12, 23)
    assert document.raw[12:23] == b"httpx>=0.27"


def test_bom_is_counted_in_byte_offsets_but_not_in_columns() -> None:
    document = Document.from_bytes("r.txt", b"\xef\xbb\xbfrequests==2.31.0\n")
    assert document.bom is True
    assert document.text == "requests==2.31.0\n"
    assert document.position(0) == (1, 1)
    span = document.span(0, len("requests==2.31.0"))
    assert span == Span(3, 19)
    assert document.raw[span.start : span.end] == b"requests==2.31.0"


def test_multibyte_characters_shift_byte_offsets() -> None:
    raw = "# café ☕\nnumpy==2.1.0 # ünïcode\n".encode()
    document = Document.from_bytes("r.txt", raw)
    start = document.text.index("numpy")
    location = document.location(start, start + len("numpy==2.1.0"), role=SpanRole.REQUIREMENT)
    assert (location.line, location.column) == (2, 1)
    assert location.span is not None
    assert raw[location.span.start : location.span.end] == b"numpy==2.1.0"
    assert location.span.start == len("# café ☕\n".encode())


def test_bom_and_multibyte_text_before_a_span_on_its_own_line() -> None:
    raw = "\ufeffflask==3.0\nnäme = 1; numpy==2.1.0\n".encode()
    document = Document.from_bytes("r.txt", raw)
    start = document.text.index("numpy")
    location = document.location(start, start + len("numpy==2.1.0"), role=SpanRole.REQUIREMENT)
    assert (location.line, location.column) == (2, 11)
    assert location.span == Span(25, 37)
    assert raw[25:37] == b"numpy==2.1.0"
    assert document.location(start).span is None
    assert document.location(start, start + 5).span is None


def test_binary_file_is_refused() -> None:
    with pytest.raises(DecodeError, match="binary file"):
        Document.from_bytes("image.png", b"\x89PNG\r\n\x1a\n\x00\x00")


def test_invalid_utf8_names_the_line() -> None:
    with pytest.raises(DecodeError) as caught:
        Document.from_bytes("r.txt", b"flask==3.0\nbad\xff\xfe==1\n")
    assert caught.value.line == 2
    assert "invalid UTF-8 at byte 14" in str(caught.value)


def test_empty_document_has_one_line() -> None:
    document = Document.from_bytes("r.txt", b"")
    assert document.line_count == 1
    assert document.position(0) == (1, 1)
