"""One reader's copy of a report: consented flagged exchanges stay, the rest and unreadable rounds' exchanges
are withheld and counted, and every format says so in its header."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import pytest

from redline.config.settings import Settings
from redline.reports.assembly import ReportRequest
from redline.reports.exposure import for_reader
from redline.reports.model import Audience, ReportFormat, report_json_schema
from redline.reports.render import render
from tests.integration.test_report_model import report
from tests.world import ReportWorld, make_report_world


@dataclass(frozen=True)
class Rules:
    reader: str
    readable_rounds: frozenset[str]
    revealed: frozenset[str]
    hand_flagged_rounds: frozenset[str] = frozenset()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, ReportWorld]:
    return make_report_world(tmp_path_factory.mktemp("exposure") / "ws")


def test_a_copy_keeps_only_consented_flagged_exchanges_of_readable_rounds(
    world: tuple[Settings, ReportWorld],
) -> None:
    settings, _ = world
    model = report(settings, ReportRequest(release="1.1", audience=Audience.INTERNAL))
    flagged = [t for t in model.transcripts if t.flagged]
    held = [t for t in model.transcripts if not t.flagged]
    rounds = {t.round_id for t in model.transcripts}
    assert flagged and held and len(rounds) >= 1
    everything = frozenset(model.scope.round_ids)

    nothing_consented, seen = for_reader(model, Rules("bob", everything, frozenset()))
    assert (seen.flagged_included, seen.flagged_withheld, seen.playground_withheld) == (0, len(flagged), 0)
    assert {t.attempt_id for t in nothing_consented.transcripts} == {t.attempt_id for t in held}
    assert "bob has not consented" in seen.note and "/rounds" in seen.note

    one = frozenset({f"attempt:{flagged[0].attempt_id}"})
    copy, seen = for_reader(model, Rules("bob", everything, one))
    assert (seen.flagged_included, seen.flagged_withheld) == (1, len(flagged) - 1)
    assert flagged[0].attempt_id in {t.attempt_id for t in copy.transcripts}

    hidden = next(iter(rounds))
    copy, seen = for_reader(model, Rules("bob", everything - {hidden}, one))
    gone = [t for t in model.transcripts if t.round_id == hidden]
    assert seen.playground_withheld == len(gone) and "playground" in seen.note
    assert hidden not in {t.round_id for t in copy.transcripts}

    # a round its tester rated serious flags every exchange, even those that held
    copy, seen = for_reader(model, Rules("bob", everything, frozenset(), frozenset({hidden})))
    assert seen.flagged_withheld == len(flagged) + len([t for t in held if t.round_id == hidden])


def test_every_format_carries_the_exposure(world: tuple[Settings, ReportWorld], tmp_path: Path) -> None:
    settings, w = world
    model = report(settings, ReportRequest(round_id=w.round_id, audience=Audience.COMMITTEE))
    copy, seen = for_reader(model, Rules("", frozenset(model.scope.round_ids), frozenset()))
    assert seen.flagged_withheld > 0 and "an unnamed reader" in seen.note
    as_json = json.loads(render(copy, ReportFormat.JSON))
    jsonschema.validate(as_json, report_json_schema())
    assert as_json["exposure"]["flagged_withheld"] == seen.flagged_withheld
    html = render(copy, ReportFormat.HTML).decode()
    assert 'id="exposure"' in html and 'id="withheld"' in html
    markdown = render(copy, ReportFormat.MD).decode()
    assert f"withholds {seen.flagged_withheld}" in markdown
