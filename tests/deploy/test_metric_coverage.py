"""Every metric the dashboard and the alert rules read is in a real scrape of the API's
/metrics after a short workload, with the worker running as a separate process."""

from __future__ import annotations

import httpx
from prometheus_client.parser import text_string_to_metric_families

from app.core.config import Settings
from db.session import Database
from tests.api.test_fleet_metrics import publishing_worker_env, scrape_until, worker_delivered
from tests.deploy.monitoring import all_monitored_metric_names
from tests.factories import Keys, make_endpoint
from tests.receiver import Answer, running_receiver
from tests.reports.helpers import REPORTS, batch, item
from tests.worker.process import running_workers


def exposed_names(exposition: str) -> dict[str, set[str]]:
    """Each series name in a scrape (histograms also by their own name), with its roles."""
    names: dict[str, set[str]] = {}
    for family in text_string_to_metric_families(exposition):
        for sample in family.samples:
            role = sample.labels.get("role", "system")
            names.setdefault(sample.name, set()).add(role)
            if sample.name.endswith("_bucket"):
                names.setdefault(family.name, set()).add(role)
    return names


async def test_every_monitored_metric_is_scraped_after_a_workload(
    client: httpx.AsyncClient,
    db: Database,
    settings: Settings,
    tenant_keys: Keys,
    cli_env: dict[str, str],
) -> None:
    env = publishing_worker_env(cli_env)
    async with running_receiver() as receiver:
        await make_endpoint(db, settings, tenant_keys.tenant, receiver.script("/hook", Answer(200)))
        with running_workers(env):
            response = await client.post(
                REPORTS.format("acme"), json=batch(item("a")), headers=tenant_keys.headers
            )
            assert response.status_code == 200, response.text
            await client.get(REPORTS.format("acme"), headers=tenant_keys.headers)
            exposition = await scrape_until(client, worker_delivered)

    exposed = exposed_names(exposition)
    monitored = all_monitored_metric_names()
    print("monitored metrics and the roles exposing them:")  # noqa: T201 - the issue's evidence
    for name in sorted(monitored):
        print(f"  {name}: {', '.join(sorted(exposed.get(name, {'MISSING'})))}")  # noqa: T201
    assert sorted(monitored - set(exposed)) == []
    # The worker's own series reach the scrape, not only the API's.
    for name in (
        "aetherflow_webhook_deliveries_total",
        "aetherflow_worker_last_sweep_timestamp_seconds",
        "aetherflow_worker_last_task_timestamp_seconds",
        "process_resident_memory_bytes",
        "aetherflow_build_info",
    ):
        assert "worker" in exposed[name], name
