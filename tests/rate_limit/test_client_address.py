"""Which address failed authentication is counted against (TRUSTED_PROXY_HOPS)."""

from __future__ import annotations

import pytest

from app.rate_limit.client_address import client_address


def scope(peer: str | None, *forwarded: str) -> dict[str, object]:
    return {
        "type": "http",
        "client": (peer, 4321) if peer else None,
        "headers": [(b"x-forwarded-for", value.encode()) for value in forwarded],
    }


@pytest.mark.parametrize(
    ("hops", "forwarded", "expected"),
    [
        (0, ("203.0.113.7",), "10.0.0.1"),
        (1, ("203.0.113.7",), "203.0.113.7"),
        (1, ("198.51.100.1, 203.0.113.7",), "203.0.113.7"),
        (2, ("198.51.100.1, 203.0.113.7",), "198.51.100.1"),
        (1, ("198.51.100.1", "203.0.113.7"), "203.0.113.7"),
        (2, ("203.0.113.7",), "10.0.0.1"),
        (1, ("not-an-address",), "10.0.0.1"),
        (1, (), "10.0.0.1"),
    ],
)
def test_trusted_hops_pick_the_forwarded_entry(
    hops: int, forwarded: tuple[str, ...], expected: str
) -> None:
    assert client_address(scope("10.0.0.1", *forwarded), hops) == expected


def test_ipv6_clients_are_counted_by_their_64_network() -> None:
    first = client_address(scope(None, "2001:db8:1:2::1"), 1)
    second = client_address(scope(None, "2001:db8:1:2:ffff::9"), 1)
    assert first == second == "2001:db8:1:2::/64"


def test_ipv4_mapped_addresses_are_ipv4() -> None:
    assert client_address(scope("::ffff:192.0.2.5"), 0) == "192.0.2.5"


def test_no_peer_and_no_trusted_entry_is_one_shared_bucket() -> None:
    assert client_address(scope(None), 0) == "unknown"
