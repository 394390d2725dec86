"""The `schedules:` section of redline.yaml: cron, job kind, plan and time zone checked at load."""

from __future__ import annotations

from pathlib import Path

import pytest

from redline.config.settings import load_settings
from redline.core.errors import ConfigError


def test_a_valid_schedule_loads_with_its_defaults(tmp_path: Path) -> None:
    settings = load_settings(
        _ws(tmp_path, "  - {name: nightly, cron: '0 2 * * *', job: round, plan: pln_1, user: lena}\n"), env={}
    )
    (job,) = settings.config.schedules
    assert (job.job, job.plan, job.timezone, job.enabled) == ("round", "pln_1", "UTC", True)


def _ws(tmp_path: Path, schedules: str) -> Path:
    (tmp_path / "redline.yaml").write_text("name: t\nschedules:\n" + schedules)
    return tmp_path


@pytest.mark.parametrize(
    ("entry", "field", "words"),
    [
        ("{name: a, cron: '61 * * * *', job: monitor}", "schedules.0.cron", "not a five-field cron"),
        ("{name: a, cron: '* * *', job: monitor}", "schedules.0.cron", "Wrong number of fields"),
        ("{name: a, cron: '0 2 * * *', job: sweep}", "schedules.0.job", "round"),
        ("{name: a, cron: '0 2 * * *', job: round}", "schedules.0", "names the approved plan"),
        ("{name: a, cron: '0 2 * * *', job: round, plan: p}", "schedules.0", "lead or admin it runs as"),
        ("{name: a, cron: '0 2 * * *', job: upkeep, timezone: Mars/Base}", "schedules.0.timezone", "Mars"),
        ("{name: a, cron: '0 2 * * *', job: upkeep, every: 5}", "schedules.0.every", "Extra"),
    ],
)
def test_a_bad_schedule_is_one_line_naming_the_field(
    tmp_path: Path, entry: str, field: str, words: str
) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(_ws(tmp_path, f"  - {entry}\n"), env={})
    message = str(info.value)
    assert f"field '{field}'" in message and words in message and "\n" not in message


def test_schedule_names_are_unique(tmp_path: Path) -> None:
    twice = "  - {name: a, cron: '0 2 * * *', job: upkeep}\n  - {name: a, cron: '0 3 * * *', job: monitor}\n"
    with pytest.raises(ConfigError, match="schedule names must be unique; repeated: a"):
        load_settings(_ws(tmp_path, twice), env={})


def test_a_time_zone_and_a_disabled_job_are_kept(tmp_path: Path) -> None:
    entry = "  - {name: a, cron: '30 6 * * 1-5', job: monitor, timezone: Europe/Paris, enabled: false}\n"
    (job,) = load_settings(_ws(tmp_path, entry), env={}).config.schedules
    assert (job.timezone, job.enabled) == ("Europe/Paris", False)
