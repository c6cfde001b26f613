"""The webhooks service stores only URLs the SSRF check produced, whichever face calls it."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from app.core.config import Settings
from app.core.errors import ValidationFailed
from app.webhooks import service as webhooks
from app.webhooks.schemas import EndpointPatchIn
from app.webhooks.ssrf import CheckedUrl
from db.models.webhook_endpoint import WebhookEndpoint
from db.session import Database
from tests.factories import PUBLIC_WEBHOOK_URL, Keys, make_endpoint

PRIVATE_URL = "https://10.0.0.1/hook"


async def stored_urls(db: Database) -> list[str]:
    async with db.unit_of_work() as session:
        return list(await session.scalars(select(WebhookEndpoint.url)))


async def test_check_url_gives_the_url_checked(settings: Settings) -> None:
    checked = await webhooks.check_url(PUBLIC_WEBHOOK_URL, settings)
    assert isinstance(checked, CheckedUrl)
    assert checked.text == PUBLIC_WEBHOOK_URL
    with pytest.raises(ValidationFailed):
        await webhooks.check_url(PRIVATE_URL, settings)


def test_only_the_checker_makes_a_checked_url() -> None:
    with pytest.raises(TypeError, match="Only validate_webhook_url"):
        CheckedUrl(PRIVATE_URL, object())  # type: ignore[arg-type]


async def test_create_refuses_an_unchecked_url(
    db: Database, settings: Settings, tenant_keys: Keys
) -> None:
    unchecked: Any = PRIVATE_URL
    with pytest.raises(TypeError, match="check_url"):
        async with db.unit_of_work() as session:
            await webhooks.create_endpoint(
                session,
                tenant_id=tenant_keys.tenant.id,
                url=unchecked,
                event_types=None,
                description=None,
                box=webhooks.secret_box(settings),
            )
    async with db.unit_of_work() as session:
        assert await session.scalar(select(func.count()).select_from(WebhookEndpoint)) == 0


async def test_update_refuses_an_unchecked_url(
    db: Database, settings: Settings, tenant_keys: Keys
) -> None:
    endpoint, _ = await make_endpoint(db, settings, tenant_keys.tenant, PUBLIC_WEBHOOK_URL)
    unchecked: Any = PRIVATE_URL
    attempts: list[tuple[EndpointPatchIn, Any]] = [
        # A URL in the changes without its checked form, and a plain string in its place.
        (EndpointPatchIn(url=PRIVATE_URL), None),
        (EndpointPatchIn(url=PRIVATE_URL), unchecked),
        # A checked URL the changes do not ask for.
        (EndpointPatchIn(), await webhooks.check_url(PUBLIC_WEBHOOK_URL + "/other", settings)),
    ]
    for changes, url in attempts:
        with pytest.raises(TypeError, match="check_url"):
            async with db.unit_of_work() as session:
                await webhooks.update_endpoint(
                    session,
                    tenant_id=tenant_keys.tenant.id,
                    endpoint_id=endpoint.id,
                    changes=changes,
                    url=url,
                )
    assert await stored_urls(db) == [PUBLIC_WEBHOOK_URL]


async def test_update_stores_the_checked_url(
    db: Database, settings: Settings, tenant_keys: Keys
) -> None:
    endpoint, _ = await make_endpoint(db, settings, tenant_keys.tenant, PUBLIC_WEBHOOK_URL)
    new_url = PUBLIC_WEBHOOK_URL + "/v2"
    async with db.unit_of_work() as session:
        updated = await webhooks.update_endpoint(
            session,
            tenant_id=tenant_keys.tenant.id,
            endpoint_id=endpoint.id,
            changes=EndpointPatchIn(url=new_url),
            url=await webhooks.check_url(new_url, settings),
        )
    assert updated.url == new_url
    assert await stored_urls(db) == [new_url]
