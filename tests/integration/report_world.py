"""Moved to tests.world (the report world); kept until the last importers move."""

from tests.world import REPORT_CANARY as CANARY
from tests.world import REPORT_PEOPLE as PEOPLE
from tests.world import REPORT_SYSTEM_PROMPT as SYSTEM_PROMPT
from tests.world import REPORT_XSS as XSS
from tests.world import ReportWorld as World
from tests.world import build_report_world as build_world
from tests.world import make_report_world as make_world

__all__ = ["CANARY", "PEOPLE", "SYSTEM_PROMPT", "XSS", "World", "build_world", "make_world"]
