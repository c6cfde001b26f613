"""The literal types of the run inputs (kept for their validation messages and OpenAPI schema)
hold values of the stored enums."""

from __future__ import annotations

from typing import get_args

from app.automation_runs.schemas import CallbackStatus, ProviderName
from db.models.automation_run import Provider, RunStatus


def test_providers_are_the_stored_providers() -> None:
    assert get_args(ProviderName) == tuple(Provider)


def test_callback_statuses_are_run_statuses() -> None:
    assert set(get_args(CallbackStatus)) == {
        RunStatus.RUNNING,
        RunStatus.SUCCEEDED,
        RunStatus.FAILED,
    }
