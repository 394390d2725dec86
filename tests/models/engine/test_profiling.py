"""Pack inference by sentence embeddings from what a target says about itself."""

from __future__ import annotations

import pytest

from redline.engine.profiling import infer_pack
from tests.unit.engine.test_profiling import DESCRIPTIONS, PACKS


@pytest.mark.slow
@pytest.mark.parametrize("domain", sorted(DESCRIPTIONS))
def test_embeddings_find_the_domain_of_a_self_description(domain: str) -> None:
    result = infer_pack([DESCRIPTIONS[domain]], PACKS, method="embeddings")
    assert result.method == "embeddings" and not result.fallback
    assert result.chosen == domain, result.ranked[:3]
    assert result.ranked[0][1] - result.ranked[1][1] > 0.03  # not a coin toss
