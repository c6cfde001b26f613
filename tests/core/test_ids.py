import uuid

import pytest

from app.core.ids import parse_id, spells_a_uuid

ID = uuid.UUID("0b7e5c3a-6f0d-4c1e-9a43-2f8d1e6b5a70")


@pytest.mark.parametrize("text", [str(ID), str(ID).upper()])
def test_the_canonical_form_in_either_case_is_an_id(text: str) -> None:
    assert parse_id(text) == ID


@pytest.mark.parametrize(
    "text",
    [
        f"urn:uuid:{ID}",
        f"{{{ID}}}",
        ID.hex,
        f" {ID}",
        f"{ID}\n",
        str(ID)[:-1],
        "",
        "demo",
    ],
)
def test_every_other_spelling_is_no_id(text: str) -> None:
    assert parse_id(text) is None


@pytest.mark.parametrize("text", [str(ID), ID.hex, f"{{{ID}}}", f"urn:uuid:{ID}"])
def test_any_spelling_of_a_uuid_is_told_apart_from_names(text: str) -> None:
    assert spells_a_uuid(text)


@pytest.mark.parametrize("text", ["demo", "acme-2", ID.hex[:-1], "0" * 31 + "g"])
def test_names_are_not_uuids(text: str) -> None:
    assert not spells_a_uuid(text)
