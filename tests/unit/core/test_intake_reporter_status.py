"""What a reporter reads of their report's status, from the intake status machine and the finding."""

from __future__ import annotations

import pytest

from redline.core.channels.intake import IntakeStatus, ReporterStatus, reporter_status


@pytest.mark.parametrize(
    ("status", "replied", "fixed", "expected"),
    [
        (IntakeStatus.RECEIVED, False, False, ReporterStatus.RECEIVED),
        (IntakeStatus.RECEIVED, True, False, ReporterStatus.TRIAGING),
        (IntakeStatus.ACCEPTED, False, False, ReporterStatus.ACCEPTED),
        (IntakeStatus.ACCEPTED, True, True, ReporterStatus.FIXED),
        (IntakeStatus.DUPLICATE, True, False, ReporterStatus.DUPLICATE),
        (IntakeStatus.REJECTED, True, False, ReporterStatus.DECLINED),
    ],
)
def test_each_status_reads_as_the_reporter_is_told(
    status: IntakeStatus, replied: bool, fixed: bool, expected: ReporterStatus
) -> None:
    assert reporter_status(status, replied=replied, fixed=fixed) is expected


def test_every_intake_status_has_a_reporter_word() -> None:
    seen = {
        reporter_status(s, replied=r, fixed=f)
        for s in IntakeStatus
        for r in (False, True)
        for f in (False, True)
    }
    assert seen == set(ReporterStatus)
