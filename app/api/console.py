"""The web console (web/, docs/CONSOLE.md), served at /console from its build: a file of the
build when the path names one, else its index.html, whose router shows the page."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from starlette.responses import FileResponse, RedirectResponse, Response

from app.api.errors import error_response
from app.core.config import Settings
from app.core.errors import AppError

CONSOLE_PATH = "/console"
PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CONSOLE_DIR = PROJECT_ROOT / "web" / "dist"
# Vite names each asset by a hash of its content: a cached copy is never stale.
IMMUTABLE = "public, max-age=31536000, immutable"
# The page itself names the current assets: always asked for again.
REVALIDATE = "no-cache"


class ConsoleNotBuilt(AppError):
    """The console is not built where this process looks for it (CONSOLE_DIR)."""

    code, status = "not_found", 404
    message = "The console is not built here: run `make console` (docs/CONSOLE.md)."


def console_directory(settings: Settings) -> Path:
    return Path(settings.console_dir) if settings.console_dir else DEFAULT_CONSOLE_DIR


def mount_console(app: FastAPI, settings: Settings) -> None:
    root = console_directory(settings).resolve()
    router = APIRouter(include_in_schema=False)

    @router.api_route(CONSOLE_PATH, methods=["GET", "HEAD"])
    async def console_root() -> Response:
        return RedirectResponse(f"{CONSOLE_PATH}/", status_code=308)

    @router.api_route(CONSOLE_PATH + "/{path:path}", methods=["GET", "HEAD"])
    async def console_file(path: str) -> Response:
        index = root / "index.html"
        if not index.is_file():
            return error_response(ConsoleNotBuilt())
        wanted = (root / path).resolve()
        if path and wanted.is_relative_to(root) and wanted.is_file() and wanted != index:
            cache = IMMUTABLE if wanted.parent == root / "assets" else REVALIDATE
            return FileResponse(wanted, headers={"Cache-Control": cache})
        return FileResponse(index, headers={"Cache-Control": REVALIDATE})

    app.include_router(router)
