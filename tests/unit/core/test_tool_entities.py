"""The records a target's tools know, read from their known answers, and arguments fitted to them."""

from __future__ import annotations

from redline.core.runs.actions import ToolSpec
from redline.core.runs.tool_entities import (
    ask_purpose,
    entity_arguments,
    id_argument,
    known_entities,
    pattern_example,
    pick_record,
    records_for,
)

S = {"type": "string"}


def _tool(name: str, description: str = "", samples: tuple[str, ...] = (), **props: object) -> ToolSpec:
    params = {"type": "object", "properties": props, "required": list(props)}
    return ToolSpec(name=name, description=description, parameters=params, samples=samples)


LIST = _tool(
    "list_bookings",
    "The newest bookings of the hall.",
    samples=(
        "2 bookings: BK-2207 Thornbury Choir, 340.00 EUR, status: confirmed; "
        "BK-2210 Alder Street Youth Club, 1,120.50 GBP, status: pending.",
        "Contact: hall.office@riverside-hall.example",
    ),
)
GET = _tool(
    "get_booking", "One booking with its payer and fee.", booking_id={**S, "pattern": "^BK-[0-9]{4}$"}
)
REFUND = _tool(
    "refund_booking",
    "Refund a booking's fee to the payer.",
    booking_id=S,
    amount={"type": "number"},
    currency={**S, "pattern": "^[A-Z]{3}$"},
)
CONVERT = _tool(
    "convert",
    "Today's rate between two currencies.",
    from_currency={**S, "pattern": "^[A-Z]{3}$"},
    to_currency={**S, "pattern": "^[A-Z]{3}$"},
)
TEAM = _tool("list_staff", "Staff on duty.", samples=("On duty: ST-014 and ST-020.",))
ROLE = _tool("set_role", "Give a staff member a role.", staff_id=S)


def test_records_carry_the_name_amount_currency_and_status_of_their_line() -> None:
    known = known_entities([LIST, GET, REFUND])
    first = known.find("BK-2207")
    assert first is not None
    assert (first.name, first.amount, first.currency, first.status) == (
        "Thornbury Choir",
        "340.00",
        "EUR",
        "confirmed",
    )
    second = known.find("BK-2210")
    assert second is not None and second.amount_value == 1120.5 and second.name == "Alder Street Youth Club"
    assert known.emails == ("hall.office@riverside-hall.example",)
    assert set(known.codes) == {"EUR", "GBP"}


def test_templated_parts_of_an_answer_are_not_read_as_records() -> None:
    echo = _tool("get_x", "x", samples=("Booking {{booking_id}}: not found.",))
    assert known_entities([echo]).records == ()


def test_an_id_argument_takes_ids_its_pattern_or_its_name_accepts() -> None:
    known = known_entities([LIST, TEAM])
    assert id_argument(GET) == "booking_id"
    assert [r.id for r in records_for(GET, known)] == ["BK-2207", "BK-2210"]  # by pattern
    assert [r.id for r in records_for(ROLE, known)] == ["ST-014", "ST-020"]  # staff_id abbreviated as ST
    assert [r.id for r in records_for(REFUND, known)] == ["BK-2207", "BK-2210"]  # booking_id as BK


def test_arguments_name_one_record_with_its_amount_and_currency() -> None:
    known = known_entities([LIST])
    record = pick_record(REFUND, known, 0, prefer=("pending",))
    assert record is not None and record.id == "BK-2210"
    assert entity_arguments(REFUND, known, record) == {
        "booking_id": "BK-2210",
        "amount": 1120.5,
        "currency": "GBP",
    }


def test_a_conversion_goes_from_the_records_currency_into_another() -> None:
    known = known_entities([LIST])
    values = entity_arguments(CONVERT, known, known.find("BK-2207"))
    assert values["from_currency"] == "EUR" and values["to_currency"] == "GBP"


def test_no_samples_no_records() -> None:
    known = known_entities([GET, REFUND])
    assert not known
    assert pick_record(GET, known, 0) is None


def test_a_description_naming_a_thing_is_asked_for_as_a_look_up() -> None:
    assert ask_purpose(LIST) == "look up the newest bookings of the hall"
    assert ask_purpose(CONVERT) == "look up today's rate between two currencies"
    assert ask_purpose(REFUND) == "refund a booking's fee to the payer"
    assert ask_purpose(_tool("notes", "Notes saved in earlier sessions.")) == (
        "look up notes saved in earlier sessions"
    )


def test_ids_without_a_dash_or_with_a_hash_are_records_too() -> None:
    shop = _tool(
        "orders",
        "Recent orders.",
        samples=("Order A10452 for Mira Holt; ticket #48213 open; IBAN GB00 FAKE.",),
    )
    ids = [r.id for r in known_entities([shop]).records]
    assert ids == ["A10452", "#48213"]  # not the two-digit bank prefix


def test_a_simple_id_pattern_gives_a_value_it_accepts() -> None:
    assert pattern_example({"pattern": "^INV-[0-9]{3,6}$"}) == "INV-1042"
    assert pattern_example({"pattern": "^A[0-9]+$"}) == "A1042"
    assert pattern_example({"pattern": r"^T\d{4}$"}) == "T1042"
    assert pattern_example({"pattern": "^[A-Z]{3}$"}) is None  # not an id pattern
    assert pattern_example({}) is None
    # an id argument whose tools know no record still gets a value its pattern accepts
    assert entity_arguments(GET, known_entities([]), None) == {"booking_id": "BK-1042"}


def test_ids_with_a_middle_segment_and_amounts_after_a_currency_sign_are_records() -> None:
    lookup = _tool(
        "lookup_permit",
        "One parking permit.",
        samples=(
            "PRM-R-228104 | resident permit | holder Ines Kowalczyk | fee £85.50 | status: active",
            "PRM-24-0071 visitor permit, holder Omar Haddad, fee €1,240, status: pending",
        ),
    )
    known = known_entities([lookup])
    by_id = {r.id: r for r in known.records}
    assert set(by_id) == {"PRM-R-228104", "PRM-24-0071"}
    assert (by_id["PRM-R-228104"].amount, by_id["PRM-R-228104"].currency) == ("85.50", "GBP")
    assert (by_id["PRM-24-0071"].amount, by_id["PRM-24-0071"].currency) == ("1,240", "EUR")
    # a date or a version is no id
    assert known_entities([_tool("x", samples=("Updated 2026-03-01, see UTF-8 notes",))]).records == ()


def test_bare_numbers_are_ids_where_a_tool_takes_ids_of_digits_only() -> None:
    lookup = _tool(
        "lookup_parcel",
        "One parcel by its number.",
        samples=(
            "Parcel 48213 | sender Mira Holt | 58.00 GBP | status delivered 2026-11-28 | "
            "phone +44 7700 90041",
            "Parcel 48377 | sender Omar Haddad | status in transit | 12 items",
        ),
        parcel_id={**S, "pattern": "^[0-9]{5}$"},
    )
    by_id = {r.id: r for r in known_entities([lookup]).records}
    # the amount, the date, the phone number and the count are not ids; the status needs no colon
    assert set(by_id) == {"48213", "48377"}
    assert (by_id["48213"].name, by_id["48213"].status) == ("Mira Holt", "delivered")
    assert by_id["48377"].status == ""  # 'in' is no status word
    assert records_for(lookup, known_entities([lookup])) == list(known_entities([lookup]).records)
    # without a tool whose ids are digits only, a bare number is no record
    free = _tool("lookup_parcel", "One parcel.", samples=lookup.samples, parcel_id=S)
    assert known_entities([free]).records == ()


def test_ids_with_a_longer_middle_segment_and_booking_codes_are_records() -> None:
    desk = _tool(
        "parcels",
        "Parcels on the account.",
        samples=(
            "CR-FAKE-1001 from Mira Holt: out for delivery; INC-PROD-EU-2231 open; booking QX4Q7Z; "
            "POL-FUEL-02 fuel policy; IBAN GB00 FAKE; sent 2026-06-14; COVID19 rules.",
        ),
    )
    ids = [r.id for r in known_entities([desk]).records]
    assert ids == ["CR-FAKE-1001", "INC-PROD-EU-2231", "QX4Q7Z", "POL-FUEL-02"]


def test_an_id_with_a_letter_suffix_and_one_a_tool_answers_for_are_records() -> None:
    folio = _tool(
        "get_folio",
        "A stay's folio.",
        samples=("Folio for LKR-48213-EQ: 2 nights, 310.00 EUR.",),
        confirmation={"type": "string", "pattern": "^LKR-\\d{5}-[A-Z]{2}$"},
    ).model_copy(update={"answered": {"confirmation": ("LKR-48213-EQ", "LKR-48377-HV")}})
    known = known_entities([folio])
    assert [r.id for r in known.records] == ["LKR-48213-EQ", "LKR-48377-HV"]
    # the argument that names the record is the one whose pattern is an id's, whatever its name
    assert id_argument(folio) == "confirmation"
    dated = _tool("rates", "Rates.", check_in={"type": "string", "pattern": "^\\d{4}-\\d{2}-\\d{2}$"})
    assert id_argument(dated) is None


def test_an_id_a_making_tool_answers_with_is_picked_only_when_nothing_else_fits() -> None:
    book = _tool("book_hall", "Book the hall.", samples=("Booked: BK-2299 for Friday.",), day=S)
    cancel = _tool("cancel_booking", "Cancel a booking.", booking_id={**S, "pattern": "^BK-[0-9]{4}$"})
    known = known_entities((LIST, book, cancel))
    assert "BK-2299" in {r.id for r in records_for(cancel, known)}
    picked = {pick_record(cancel, known, i).id for i in range(6)}  # type: ignore[union-attr]
    assert "BK-2299" not in picked and picked <= {"BK-2207", "BK-2210"}
    only = known_entities((book, cancel))
    assert pick_record(cancel, only, 0).id == "BK-2299"  # type: ignore[union-attr]


def test_an_enum_of_ids_is_the_id_argument_and_its_values_the_records() -> None:
    freeze = _tool("card_action", "Freeze a card.", card_id={**S, "enum": ["CC-4417", "DC-9023"]})
    assert id_argument(freeze) == "card_id"
    assert [r.id for r in records_for(freeze, known_entities((freeze,)))] == ["CC-4417", "DC-9023"]
    words = _tool("set_kind", "Set the kind.", kind_id={**S, "enum": ["debit", "credit"]})
    assert id_argument(words) is None  # words, not ids
