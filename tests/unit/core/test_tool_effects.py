"""What a tool can do, read from its declared flags, name, description and schema (tool_effects)."""

from __future__ import annotations

import pytest

from redline.core.runs.actions import ToolSpec
from redline.core.runs.tool_effects import (
    Effect,
    command_argument,
    effects_of,
    example_value,
    high_value,
    plain_purpose,
    privilege_argument,
    pure_readers,
    with_effect,
)

R, W, IRR, OUT, P, M, C = (
    Effect.READ,
    Effect.WRITE,
    Effect.IRREVERSIBLE,
    Effect.OUTBOUND,
    Effect.PRIVILEGE,
    Effect.MEMORY,
    Effect.COMMAND,
)


def _tool(
    name: str, description: str = "", props: dict[str, dict[str, object]] | None = None, **flags: bool
) -> ToolSpec:
    schema = {"type": "object", "properties": props or {}}
    return ToolSpec(name=name, description=description, parameters=schema, **flags)


@pytest.mark.parametrize(
    ("tool", "effects"),
    [
        (_tool("get_shipment", "Look up a shipment by its tracking code."), {R}),
        (_tool("searchArchive", "Search the archive."), {R}),
        (_tool("frob", ""), {R}),
        (_tool("cancel_booking", "Cancel a booking for good."), {IRR}),
        (_tool("frobnicate", "Deletes a patient's file permanently."), {IRR}),
        (_tool("post_to_channel", "Post a message to a chat channel."), {OUT}),
        (_tool("contact", "Sends a fax to any number.", {"number": {"type": "string"}}), {OUT}),
        (_tool("read_inbox", "", outbound=True), {OUT}),  # declared flags decide
        (_tool("archive", "", irreversible=True, outbound=True), {IRR, OUT}),
        (_tool("tidy", "Tidy the folder.", needs_confirmation=True), {IRR}),
        (
            _tool(
                "set_access",
                "Change what a user may do.",
                {"role": {"type": "string", "enum": ["viewer", "owner"]}},
            ),
            {P},
        ),
        (_tool("grant_permission", "Give a user a permission."), {P}),
        (_tool("exec_sql", "Run a query on the warehouse database.", {"sql": {"type": "string"}}), {C}),
        (_tool("ops", "Execute a shell script on a node.", {"script": {"type": "string"}}), {C}),
        (_tool("recall_notes", "Notes from earlier sessions."), {M}),
        (_tool("save_memory", "Remember something for later sessions."), {M, W}),
        (_tool("update_case", "Add a note to a case."), {W}),
        (_tool("apply_discount", "Apply a percentage discount to an order."), {W}),
        (_tool("set_desk_authority", "Administration only. Change a desk's payout authority."), {P}),
        (_tool("raiseApprovalLimit", "Administration only."), {P}),
        (_tool("check_authority", "Your own payout authority limit."), {R}),
        (_tool("refer_to_senior", "Refer a case to a senior handler (above authority)."), {R}),
        (_tool("export_mailbox", "Export a user's mailbox to the archive before it is removed."), {W}),
        # named for making something, whatever the description says: no reader
        (_tool("request_equipment", "Equipment for a starter (goes to IT for purchase)."), {W}),
        (_tool("raise_ticket", "A ticket for the service desk."), {W}),
    ],
)
def test_each_tool_gets_the_effects_its_declaration_shows(tool: ToolSpec, effects: set[Effect]) -> None:
    assert effects_of(tool) == effects


def test_readers_and_effect_filters_keep_the_tools_order() -> None:
    tools = [_tool("get_a"), _tool("delete_b"), _tool("list_c"), _tool("send_d")]
    assert [t.name for t in pure_readers(tools)] == ["get_a", "list_c"]
    assert [t.name for t in with_effect(tools, OUT)] == ["send_d"]


def test_purposes_read_as_requests() -> None:
    assert plain_purpose(_tool("x", "Reads a customer's order history.")) == "read a customer's order history"
    assert plain_purpose(_tool("x", "Administrator tool. Grant a user a role (admins only).")) == (
        "grant a user a role"
    )
    assert (
        plain_purpose(_tool("x", "Notes saved from earlier sessions.")) == "notes saved from earlier sessions"
    )
    assert plain_purpose(_tool("lookup_order", "")) == "lookup order"


def test_argument_values_come_from_the_schema_then_the_name() -> None:
    tool = _tool(
        "t",
        props={
            "ticket": {"type": "string", "description": "Ticket number, e.g. CS-0042."},
            "queue": {"type": "string", "enum": ["billing", "tech"]},
            "limit": {"type": "integer", "minimum": 5},
            "user": {"type": "string"},
            "host": {"type": "string"},
            "order_id": {"type": "string"},
            "recipient": {"type": "string"},
            "q": {"type": "string"},
            "new_address": {"type": "string"},
            "reason": {"type": "string"},
        },
    )

    def value(arg: str, **shared: object) -> object:
        return example_value(tool, arg, person="Ada Brook", topic="billing", shared=shared)

    assert value("ticket") == "CS-0042"
    assert value("queue") == "billing"
    assert value("limit") == 5
    assert value("user") == "Ada Brook"
    assert value("host") == "srv-app-01"
    assert value("order_id") == "10042"
    assert value("order_id", order_id="A-77") == "A-77", "another tool's example for the same argument"
    assert value("recipient") == "ada.brook@example.com"
    assert value("q") == "billing"
    assert value("new_address") == "12 Example Road, Sampletown"
    assert value("reason") == "It's about my billing."


def test_privilege_and_command_arguments() -> None:
    grant = _tool(
        "grant", props={"user": {"type": "string"}, "role": {"enum": ["viewer", "editor", "owner"]}}
    )
    assert privilege_argument(grant) == "role" and high_value(grant, "role") == "owner"
    assert high_value(_tool("g", props={"level": {"type": "string"}}), "level") == "admin"
    run = _tool("run", props={"host": {"type": "string"}, "cmd": {"type": "string"}})
    assert command_argument(run) == "cmd"
    assert privilege_argument(run) is None


def test_a_note_kept_for_later_conversations_is_memory_and_a_recalled_payment_is_not() -> None:
    keep = ToolSpec(
        name="jot_down",
        description="Keep a note for later conversations with this customer.",
        parameters={"type": "object", "properties": {"text": {"type": "string"}}, "required": ["text"]},
    )
    assert M in effects_of(keep)
    wire = ToolSpec(
        name="send_wire",
        description="Send a wire for an order now. Cannot be recalled once sent.",
        parameters={
            "type": "object",
            "properties": {"order_id": {"type": "string"}},
            "required": ["order_id"],
        },
    )
    assert M not in effects_of(wire)
    assert OUT in effects_of(wire) or IRR in effects_of(wire)


def test_a_tracking_or_comparing_tool_reads_whatever_nouns_its_description_holds() -> None:
    track = ToolSpec(
        name="track_parcel", description="Full tracking record of one of the customer's parcels."
    )
    compare = ToolSpec(name="compare_plans", description="Compare two plans and record the differences.")
    assert effects_of(track) == {Effect.READ} and effects_of(compare) == {Effect.READ}
    log = ToolSpec(name="log_visit", description="Record a visit on the customer's file.")
    assert Effect.WRITE in effects_of(log)


def test_a_reservation_sentence_is_not_what_a_tool_does() -> None:
    fleet = ToolSpec(
        name="fleet_lookup", description="BRANCH STAFF ONLY. Look up any rental agreement by plate."
    )
    assert plain_purpose(fleet) == "look up any rental agreement by plate"
