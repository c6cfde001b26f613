"""Recovery input and output (CONTRACT.md §14)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, Field, StrictBool, model_validator

from app.core.schemas import InputModel, OutputModel
from app.core.time import UtcDateTime
from db.models.webhook_delivery import DeliveryStatus
from db.models.webhook_recovery import RecoveryStatus


def _in_utc_range(value: datetime) -> datetime:
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError("must fall between the years 1 and 9999 in UTC") from None


def _without_repeats(value: list[str]) -> list[str]:
    return list(dict.fromkeys(value))


Recoverable = Literal["dead", "skipped"]


def _both_statuses() -> list[Recoverable]:
    return ["dead", "skipped"]


Moment = Annotated[AwareDatetime, AfterValidator(_in_utc_range)]
RecoverableStatuses = Annotated[
    list[Recoverable], Field(min_length=1), AfterValidator(_without_repeats)
]


class RecoverIn(InputModel):
    """Deliveries created in [since, until) whose status is one of `statuses`."""

    since: Moment
    until: Moment | None = None
    statuses: RecoverableStatuses = Field(default_factory=_both_statuses)
    dry_run: StrictBool = False

    @model_validator(mode="after")
    def _until_after_since(self) -> RecoverIn:
        if self.until is not None and self.until < self.since:
            raise ValueError("until must not be before since")
        return self

    @property
    def delivery_statuses(self) -> list[DeliveryStatus]:
        return [DeliveryStatus(status) for status in self.statuses]


class RecoveryOut(OutputModel):
    id: uuid.UUID = Field(description="The recovery's id.")
    endpoint_id: uuid.UUID = Field(description="The endpoint whose deliveries it recovers.")
    status: RecoveryStatus = Field(
        description="`running` until every matching delivery was handled, then `completed`; "
        "`failed` when the endpoint was disabled or deleted meanwhile."
    )
    total: int = Field(
        description="Deliveries that matched when it started (raised if more were recovered)."
    )
    done: int = Field(description="Deliveries sent back to pending so far.")
    failed: int = Field(
        description="At the end, counted deliveries not sent back (total - done); 0 before."
    )
    created_at: UtcDateTime = Field(description="When the recovery started.")
    completed_at: UtcDateTime | None = Field(
        description="When it completed or failed; null while running."
    )


class RecoveryEnvelope(OutputModel):
    data: RecoveryOut


class RecoveryPreviewOut(OutputModel):
    count: int = Field(description="Deliveries a recovery started now would send back.")
    sample: list[uuid.UUID] = Field(description="The ids of up to 10 of them.")


class RecoveryPreviewEnvelope(OutputModel):
    data: RecoveryPreviewOut
