"""One reader's copy of a report: flagged exchanges they consented to stay, the rest are withheld and counted.

Which rounds a reader may read and which exchanges they consented to is decided above this layer
(`program.people.report_access`); this module only applies it to the report model and says so in its header.
"""

from __future__ import annotations

from typing import Protocol

from redline.reports.model import Exposure, ReportModel
from redline.reports.sections import ReportTranscript


class ReaderRules(Protocol):
    """What a reader may see: the rounds they may read and the flagged exchanges they consented to."""

    @property
    def reader(self) -> str: ...  # pragma: no cover - a protocol

    @property
    def readable_rounds(self) -> frozenset[str]: ...  # pragma: no cover - a protocol

    @property
    def revealed(self) -> frozenset[str]: ...  # pragma: no cover - a protocol

    @property
    def hand_flagged_rounds(self) -> frozenset[str]: ...  # pragma: no cover - a protocol


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def exposure_note(rounds: tuple[str, ...], reader: str, withheld: int, playground: int) -> str:
    """The header's plain words: how many exchanges were withheld, why, and where to see them."""
    parts = []
    if withheld:
        where = f"/rounds/{rounds[0]}" if len(rounds) == 1 else "/rounds"
        who = reader or "an unnamed reader (no --as)"
        parts.append(
            f"{_plural(withheld, 'flagged exchange was', 'flagged exchanges were')} withheld from this copy: "
            f"{who} has not consented to {'it' if withheld == 1 else 'them'}. To see "
            f"{'it' if withheld == 1 else 'them'}, open the round in the workbench ({where}), consent to "
            "each exchange (every view is counted), then download the report again."
        )
    if playground:
        parts.append(
            f"{_plural(playground, 'exchange', 'exchanges')} of playground conversations "
            f"{'was' if playground == 1 else 'were'} left out: only their tester, leads and admins read them."
        )
    return " ".join(parts)


def is_flagged(t: ReportTranscript, rules: ReaderRules) -> bool:
    """Whether an exchange may hold harmful text (judged a failure, or of a serious playground talk)."""
    return t.flagged or t.round_id in rules.hand_flagged_rounds


def for_reader(model: ReportModel, rules: ReaderRules) -> tuple[ReportModel, Exposure]:
    """The copy of `model` one reader gets, with the exposure counts in its header, and those counts."""
    kept: list[ReportTranscript] = []
    included = withheld = playground = 0
    for t in model.transcripts:
        if t.round_id not in rules.readable_rounds:
            playground += 1
        elif is_flagged(t, rules) and f"attempt:{t.attempt_id}" not in rules.revealed:
            withheld += 1
        else:
            if is_flagged(t, rules):
                included += 1
                t = t.model_copy(update={"flagged": True, "collapsed": True})
            kept.append(t)
    exposure = Exposure(
        reader=rules.reader,
        flagged_included=included,
        flagged_withheld=withheld,
        playground_withheld=playground,
        note=exposure_note(model.scope.round_ids, rules.reader, withheld, playground),
    )
    return model.model_copy(update={"transcripts": tuple(kept), "exposure": exposure}), exposure
