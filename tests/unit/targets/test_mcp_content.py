"""MCP tool results as the model reads them: text parts as they are, other parts summarised."""

from __future__ import annotations

import base64

import pytest

pytest.importorskip("mcp")

from mcp.types import (
    AudioContent,
    EmbeddedResource,
    ImageContent,
    ResourceLink,
    TextContent,
    TextResourceContents,
)

from redline.targets.mcp_provider import content_text


def test_text_is_kept_and_other_parts_are_summarised_one_line_each() -> None:
    png = base64.b64encode(b"\x89PNG" + b"\0" * 2044).decode()
    blocks = [
        TextContent(type="text", text="Two messages.\nBoth unread."),
        ImageContent(type="image", data=png, mime_type="image/png"),
        AudioContent(type="audio", data=base64.b64encode(b"RIFF").decode(), mime_type="audio/wav"),
        EmbeddedResource(
            type="resource",
            resource=TextResourceContents(uri="file:///notes.txt", text="note body", mime_type="text/plain"),
        ),
        ResourceLink(type="resource_link", uri="file:///big.pdf", name="big.pdf"),
    ]
    assert content_text(blocks).splitlines() == [
        "Two messages.",
        "Both unread.",
        "[image image/png, 2048 bytes]",
        "[audio audio/wav, 4 bytes]",
        "note body",
        "[resource link file:///big.pdf: big.pdf]",
    ]
    assert content_text([]) == ""
