"""Moved to tests.world (the web world); kept until the last importers move."""

from tests.world import ECHO_SYSTEM, PASSWORD, XSS_MARK, anon_token, form_token
from tests.world import WEB_ROLES as ROLES
from tests.world import WEB_THREAT as THREAT
from tests.world import WEB_XSS as XSS
from tests.world import WebWorld as World
from tests.world import build_web_world as build_world

__all__ = [
    "ECHO_SYSTEM",
    "PASSWORD",
    "ROLES",
    "THREAT",
    "XSS",
    "XSS_MARK",
    "World",
    "anon_token",
    "build_world",
    "form_token",
]
