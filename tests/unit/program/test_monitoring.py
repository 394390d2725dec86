"""Monitoring helpers: a file read once names its bad lines, sampling is seeded, masking keeps one label
per value within a conversation."""

from __future__ import annotations

from pathlib import Path

import pytest

from redline.core.errors import ConfigError, UsageError
from redline.core.runs.conversation import Message, MessageRole
from redline.program.register.monitoring import FileSource, ProductionSample, _mask, _rank


def test_a_file_is_read_once_in_either_shape_and_bad_lines_are_named(tmp_path: Path) -> None:
    path = tmp_path / "prod.jsonl"
    path.write_text(
        '{"id": "a", "messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]}\n'
        "{oops\n"
        '{"id": "b", "prompt": "where?", "answer": "here", "timestamp": "2026-05-01T12:00:00Z"}\n'
    )
    source = FileSource(path)
    batch = source.read(None)
    assert source.name == "file:prod.jsonl" and source.one_shot
    assert [x.id for x in batch.samples] == ["a", "b"] and batch.samples[1].messages[-1].content == "here"
    (bad,) = batch.skipped
    assert "prod.jsonl" in bad and ":2" in bad
    assert len(source.read(None).samples) == 2  # read whole again: no cursor is kept
    path.write_text("{oops\n")
    with pytest.raises(UsageError, match="holds no exchange"):
        source.read(None)
    with pytest.raises(ConfigError, match=r"missing\.jsonl"):
        FileSource(tmp_path / "missing.jsonl")


def _sample(answer: str, id_: str | None = "x1") -> ProductionSample:
    return ProductionSample(
        id=id_,
        messages=(
            Message(role=MessageRole.USER, content="Mail me at ana@example.com please"),
            Message(role=MessageRole.ASSISTANT, content=answer),
        ),
    )


def test_sampling_rank_is_seeded_and_uniform() -> None:
    sample = _sample("ok")
    assert _rank(0, "app", sample) == _rank(0, "app", sample)
    assert _rank(0, "app", sample) != _rank(1, "app", sample) != _rank(0, "other", sample)
    ranks = [_rank(0, "app", _sample("ok", f"id-{i}")) for i in range(4000)]
    assert all(0 <= r < 1 for r in ranks)
    assert 0.47 < sum(r < 0.5 for r in ranks) / len(ranks) < 0.53


def test_masking_labels_the_same_value_the_same_way_in_one_conversation() -> None:
    masked = _mask(_sample("Sent to ana@example.com; bob@example.org was copied."), ner=False)
    assert masked.messages[0].content == "Mail me at [EMAIL-1] please"
    assert masked.messages[1].content == "Sent to [EMAIL-1]; [EMAIL-2] was copied."
    assert masked.id == "x1"
