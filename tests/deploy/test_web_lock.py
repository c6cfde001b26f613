"""The console's npm lock: every package pinned by an integrity hash, and no download address
(web/.npmrc keeps npm from writing one), like the Python locks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "web"


def lock() -> dict[str, Any]:
    document: dict[str, Any] = json.loads((WEB / "package-lock.json").read_text(encoding="utf-8"))
    return document


def test_npm_writes_no_download_address_into_the_lock() -> None:
    settings = (WEB / ".npmrc").read_text(encoding="utf-8").split()
    assert "omit-lockfile-registry-resolved=true" in settings
    text = (WEB / "package-lock.json").read_text(encoding="utf-8")
    assert '"resolved"' not in text
    assert ".tgz" not in text


def test_every_installed_package_is_pinned_by_an_integrity_hash() -> None:
    packages = {path: entry for path, entry in lock()["packages"].items() if path}
    assert packages
    unpinned = [
        path
        for path, entry in packages.items()
        if not entry.get("link") and not str(entry.get("integrity", "")).startswith("sha512-")
    ]
    assert unpinned == []


def test_the_lock_is_the_one_package_json_asks_for() -> None:
    manifest = json.loads((WEB / "package.json").read_text(encoding="utf-8"))
    root = lock()["packages"][""]
    assert root.get("dependencies", {}) == manifest.get("dependencies", {})
    assert root.get("devDependencies", {}) == manifest.get("devDependencies", {})
