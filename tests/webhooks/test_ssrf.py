"""The webhook target rules (CONTRACT.md §8): which URLs and addresses are refused, and why."""

from __future__ import annotations

import ipaddress

import pytest

from app.core.errors import ValidationFailed
from app.webhooks.ssrf import (
    Target,
    UnsafeTarget,
    is_public_address,
    parse_target,
    resolve_public,
    validate_webhook_url,
)


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.255.0.9",
        "10.1.2.3",
        "172.16.0.1",
        "172.31.255.254",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "100.127.255.254",
        "0.0.0.0",
        "0.1.2.3",
        "224.0.0.1",
        "239.255.255.250",
        "240.0.0.1",
        "255.255.255.255",
        "192.0.2.10",
        "198.18.0.1",
        "::",
        "::1",
        "fc00::1",
        "fd12:3456::1",
        "fe80::1",
        "fec0::1",
        "ff02::1",
        "2001:db8::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "::ffff:169.254.169.254",
        "2002:7f00:1::1",
        "2002:a00:1::",
        "64:ff9b::7f00:1",
        "64:ff9b::a9fe:a9fe",
        "64:ff9b:1::8.8.8.8",
        "::127.0.0.1",
    ],
)
def test_non_public_addresses(address: str) -> None:
    assert is_public_address(ipaddress.ip_address(address)) is False


@pytest.mark.parametrize(
    "address",
    [
        "8.8.8.8",
        "93.184.216.34",
        "1.1.1.1",
        "100.63.255.255",
        "100.128.0.1",
        "172.32.0.1",
        "2606:4700:4700::1111",
        "2a00:1450:4001::200e",
        "::ffff:8.8.8.8",
        "2002:808:808::1",
        "64:ff9b::808:808",
    ],
)
def test_public_addresses(address: str) -> None:
    assert is_public_address(ipaddress.ip_address(address)) is True


@pytest.mark.parametrize(
    ("url", "allow_http", "expected"),
    [
        ("https://example.com", False, Target("https", "example.com", 443, "/")),
        (
            "https://Example.COM:8443/a/b?x=1&y=2#frag",
            False,
            Target("https", "example.com", 8443, "/a/b?x=1&y=2"),
        ),
        ("http://hooks.example.com/in", True, Target("http", "hooks.example.com", 80, "/in")),
        ("HTTPS://[2606:4700::1111]/h", False, Target("https", "2606:4700::1111", 443, "/h")),
        ("https://10.0.0.1:9/", False, Target("https", "10.0.0.1", 9, "/")),
        ("https://bücher.example/", False, Target("https", "xn--bcher-kva.example", 443, "/")),
    ],
)
def test_parse_target(url: str, allow_http: bool, expected: Target) -> None:
    assert parse_target(url, allow_http=allow_http) == expected


@pytest.mark.parametrize(
    ("url", "allow_http", "message"),
    [
        ("http://example.com/", False, "must use https."),
        ("ftp://example.com/", True, "must use https or http."),
        ("example.com/hook", False, "must use https."),
        ("https://user:pass@example.com/", False, "must not contain credentials"),
        ("https://token@example.com/", False, "must not contain credentials"),
        ("https:///path-only", False, "must name a host"),
        ("https://:443/", False, "must name a host"),
        ("https://example.com:0/", False, "port is invalid"),
        ("https://example.com:65536/", False, "port is invalid"),
        ("https://example.com:http/", False, "port is invalid"),
        ("https://[::1/", False, "malformed"),
        ("https://exa mple.com/", False, "spaces or control characters"),
        ("https://example.com/\nHost: evil", False, "spaces or control characters"),
        ("https://exa_mple!.com/", False, "host name is not valid"),
        ("https://a..b/", False, "host name is not valid"),
    ],
)
def test_parse_target_refuses(url: str, allow_http: bool, message: str) -> None:
    with pytest.raises(UnsafeTarget) as refused:
        parse_target(url, allow_http=allow_http)
    assert message in str(refused.value)
    assert "pass" not in str(refused.value)


async def test_resolve_public_refuses_a_name_for_loopback() -> None:
    target = Target("https", "localhost", 443)
    with pytest.raises(UnsafeTarget, match="non-public address"):
        await resolve_public(target, allow_private=False)
    addresses = await resolve_public(target, allow_private=True)
    assert addresses
    assert all(address.is_loopback for address in addresses)
    assert len(addresses) == len(set(addresses))


async def test_resolve_public_takes_ip_literals_as_they_are() -> None:
    public = Target("https", "93.184.216.34", 443)
    assert await resolve_public(public, allow_private=False) == [
        ipaddress.ip_address("93.184.216.34")
    ]
    mapped = Target("https", "::ffff:127.0.0.1", 443)
    with pytest.raises(UnsafeTarget):
        await resolve_public(mapped, allow_private=False)
    assert await resolve_public(mapped, allow_private=True) == [
        ipaddress.ip_address("::ffff:127.0.0.1")
    ]


async def test_resolve_public_refuses_an_unresolvable_name() -> None:
    target = Target("https", "no-such-host.invalid", 443)
    with pytest.raises(UnsafeTarget, match="could not be resolved"):
        await resolve_public(target, allow_private=True)


async def test_validate_webhook_url_is_a_422_at_path_url() -> None:
    with pytest.raises(ValidationFailed) as refused:
        await validate_webhook_url(
            "https://user:hunter2@10.0.0.1/", allow_http=False, allow_private=False
        )
    assert refused.value.status == 422
    assert refused.value.details == [
        {"path": "url", "message": "The URL must not contain credentials."}
    ]
    assert "hunter2" not in refused.value.message


async def test_validate_webhook_url_limits_the_length() -> None:
    base = "https://93.184.216.34/"
    await validate_webhook_url(
        base + "a" * (2048 - len(base)), allow_http=False, allow_private=False
    )
    with pytest.raises(ValidationFailed) as refused:
        await validate_webhook_url(
            base + "a" * (2049 - len(base)), allow_http=False, allow_private=False
        )
    assert refused.value.details == [
        {"path": "url", "message": "The URL must be at most 2048 characters."}
    ]
