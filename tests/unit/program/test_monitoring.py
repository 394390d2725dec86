"""Monitoring helpers: sample files name the bad line, sampling is seeded, masking keeps one label per
value within a conversation."""

from __future__ import annotations

from pathlib import Path

import pytest

from redline.core.conversation import Message, MessageRole
from redline.core.errors import ConfigError
from redline.program.monitoring import ProductionSample, _mask, _rank, read_samples


def test_bad_sample_lines_name_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(
        '{"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]}\n{oops\n'
    )
    with pytest.raises(ConfigError, match=r"bad\.jsonl:2"):
        read_samples(path)
    path.write_text(
        '{"messages": [{"role": "assistant", "content": "a"}, {"role": "user", "content": "q"}]}\n'
    )
    with pytest.raises(ConfigError, match="assistant's answer"):
        read_samples(path)


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
