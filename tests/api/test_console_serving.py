"""The console at /console: its build's files, its index for every page of its router, a
strict CSP, and a clear 404 where it is not built."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.api.hardening import CONSOLE_CONTENT_SECURITY_POLICY
from db.session import Database
from tests.asgi import serve
from tests.conftest import make_settings

INDEX = (
    "<!doctype html><html><head>"
    '<script type="module" src="/console/assets/app-1a2b.js"></script></head></html>'
)


@pytest.fixture
def built_console(tmp_path: Path) -> Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text(INDEX)
    (tmp_path / "assets" / "app-1a2b.js").write_text("console.log('console')")
    (tmp_path / "favicon.svg").write_text("<svg/>")
    (tmp_path.parent / "secret.txt").write_text("outside the build")
    return tmp_path


async def test_a_page_of_the_console_is_its_index_with_a_strict_csp(
    built_console: Path, database_url: str, redis_url: str, db: Database
) -> None:
    settings = make_settings(database_url, redis_url, console_dir=str(built_console))
    async with serve(settings) as http:
        for path in ("/console/", "/console/t/acme/reports", "/console/t/acme/webhooks/x?y=1"):
            page = await http.get(path)
            assert page.status_code == 200, path
            assert page.text == INDEX
            assert page.headers["content-type"].startswith("text/html")
            assert page.headers["cache-control"] == "no-cache"
            assert page.headers["content-security-policy"] == CONSOLE_CONTENT_SECURITY_POLICY
            assert page.headers["x-frame-options"] == "DENY"
            assert page.headers["x-content-type-options"] == "nosniff"
        csp = CONSOLE_CONTENT_SECURITY_POLICY
        assert "script-src 'self';" in csp
        assert "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp


async def test_assets_are_served_immutable_and_other_files_revalidated(
    built_console: Path, database_url: str, redis_url: str, db: Database
) -> None:
    settings = make_settings(database_url, redis_url, console_dir=str(built_console))
    async with serve(settings) as http:
        script = await http.get("/console/assets/app-1a2b.js")
        assert script.status_code == 200
        assert script.text == "console.log('console')"
        assert script.headers["content-type"].startswith("text/javascript")
        assert script.headers["cache-control"] == "public, max-age=31536000, immutable"
        head = await http.head("/console/assets/app-1a2b.js")
        assert head.status_code == 200
        assert head.content == b""
        assert head.headers["cache-control"] == "public, max-age=31536000, immutable"
        icon = await http.get("/console/favicon.svg")
        assert icon.headers["cache-control"] == "no-cache"
        assert icon.text == "<svg/>"


async def test_no_path_reaches_outside_the_build(
    built_console: Path, database_url: str, redis_url: str, db: Database
) -> None:
    settings = make_settings(database_url, redis_url, console_dir=str(built_console))
    async with serve(settings) as http:
        for path in (
            "/console/../secret.txt",
            "/console/%2e%2e/secret.txt",
            "/console/assets/../../secret.txt",
        ):
            answer = await http.get(path)
            assert "outside the build" not in answer.text, path


async def test_console_without_a_slash_is_redirected_permanently(
    built_console: Path, database_url: str, redis_url: str, db: Database
) -> None:
    settings = make_settings(database_url, redis_url, console_dir=str(built_console))
    async with serve(settings) as http:
        answer = await http.get("/console")
        assert answer.status_code == 308
        assert answer.headers["location"] == "/console/"


async def test_an_unbuilt_console_is_a_404_that_says_how_to_build_it(
    tmp_path: Path, database_url: str, redis_url: str, db: Database
) -> None:
    settings = make_settings(database_url, redis_url, console_dir=str(tmp_path / "missing"))
    async with serve(settings) as http:
        answer = await http.get("/console/t/acme/reports")
        assert answer.status_code == 404
        error = answer.json()["error"]
        assert error["code"] == "not_found"
        assert "make console" in error["message"]
        assert answer.headers["content-security-policy"] == CONSOLE_CONTENT_SECURITY_POLICY


async def test_the_console_is_not_in_the_openapi_document(
    built_console: Path, database_url: str, redis_url: str, db: Database
) -> None:
    settings = make_settings(database_url, redis_url, console_dir=str(built_console))
    async with serve(settings) as http:
        document = (await http.get("/openapi.json")).json()
        assert not [path for path in document["paths"] if path.startswith("/console")]
