"""The complete table metadata: every model imported, for Alembic and the tests."""

from db.base import Base
from db.models.api_key import ApiKey
from db.models.automation_run import AutomationRun
from db.models.browser_session import BrowserSession
from db.models.idempotency_key import IdempotencyKey
from db.models.outbox_event import OutboxEvent
from db.models.report import Report
from db.models.tenant import Tenant
from db.models.webhook_delivery import WebhookDelivery
from db.models.webhook_delivery_stats import WebhookDeliveryStats
from db.models.webhook_endpoint import WebhookEndpoint
from db.models.webhook_recovery import WebhookRecovery

metadata = Base.metadata
MODELS = (
    ApiKey,
    AutomationRun,
    BrowserSession,
    IdempotencyKey,
    OutboxEvent,
    Report,
    Tenant,
    WebhookDelivery,
    WebhookDeliveryStats,
    WebhookEndpoint,
    WebhookRecovery,
)
