/* eslint-disable */
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
export type MakeOptional<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]?: Maybe<T[SubKey]> };
export type MakeMaybe<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]: Maybe<T[SubKey]> };
export type MakeEmpty<T extends { [key: string]: unknown }, K extends keyof T> = { [_ in K]?: never };
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** An RFC 3339 timestamp in UTC, e.g. 2026-11-24T10:00:00.123Z. */
  DateTime: { input: string; output: string; }
  /** The `JSON` scalar type represents JSON values as specified by [ECMA-404](https://ecma-international.org/wp-content/uploads/ECMA-404_2nd_edition_december_2017.pdf). */
  JSON: { input: unknown; output: unknown; }
};

/** One of the tenant's API keys: never the key nor its hash. */
export type ApiKey = {
  __typename?: 'ApiKey';
  /** When the key was issued. */
  createdAt: Scalars['DateTime']['output'];
  /** When the key stops working; null if it never expires. */
  expiresAt?: Maybe<Scalars['DateTime']['output']>;
  /** When the key last authenticated a request (recorded at most once a minute per key); null if never. */
  lastUsedAt?: Maybe<Scalars['DateTime']['output']>;
  /** What the key is for. */
  name: Scalars['String']['output'];
  /** The key's prefix (after `afk_`): how it is named and revoked. */
  prefix: Scalars['String']['output'];
  /** When the key was revoked; null while it is not. */
  revokedAt?: Maybe<Scalars['DateTime']['output']>;
  /** The scopes the key grants. */
  scopes: Array<Scalars['String']['output']>;
};

/** An automation run, as REST shows it. */
export type AutomationRun = Node & {
  __typename?: 'AutomationRun';
  /** Dispatch attempts made so far. */
  attempts: Scalars['Int']['output'];
  /** When the run reached a terminal status. */
  completedAt?: Maybe<Scalars['DateTime']['output']>;
  /** The run's correlation id (the client's, or one generated), unique in the tenant; callbacks name the run by it. */
  correlationId: Scalars['String']['output'];
  /** When the run was created. */
  createdAt: Scalars['DateTime']['output'];
  /** Why the run failed or timed out; null otherwise. */
  error?: Maybe<Scalars['JSON']['output']>;
  /** The flow the run starts. */
  flowId: Scalars['String']['output'];
  /** The run's id (a UUID). */
  id: Scalars['ID']['output'];
  /** The input the flow is given: a JSON object. */
  input: Scalars['JSON']['output'];
  /** What the flow returned, once it succeeded; null before. */
  output?: Maybe<Scalars['JSON']['output']>;
  /** Where the run is dispatched: `activepieces` or `sandbox`. */
  provider: Scalars['String']['output'];
  /** The provider's own id of the run, once a callback gave it. */
  providerRunId?: Maybe<Scalars['String']['output']>;
  /** When the run started running. */
  startedAt?: Maybe<Scalars['DateTime']['output']>;
  /** Where the run stands. */
  status: AutomationRunStatus;
  /** When the run last changed. */
  updatedAt: Scalars['DateTime']['output'];
};

/** A page of automation runs, newest first (by createdAt, then id). */
export type AutomationRunConnection = {
  __typename?: 'AutomationRunConnection';
  /** The page's runs. */
  edges: Array<AutomationRunEdge>;
  /** Where the page stands in the list. */
  pageInfo: PageInfo;
};

/** An automation run in a list, with its cursor. */
export type AutomationRunEdge = {
  __typename?: 'AutomationRunEdge';
  /** Where the list resumes after (or before) this run. */
  cursor: Scalars['String']['output'];
  /** The run. */
  node: AutomationRun;
};

/** Where an automation run stands. */
export type AutomationRunStatus =
  /** Ended badly, or could not be dispatched; see `error` (terminal). */
  | 'FAILED'
  /** Created; not yet started by its provider. */
  | 'QUEUED'
  /** Started by its provider. */
  | 'RUNNING'
  /** Ended well; `output` holds what the flow returned (terminal). */
  | 'SUCCEEDED'
  /** Ran longer than allowed (terminal). */
  | 'TIMED_OUT';

/** A new automation run, as in the REST `POST .../automation-runs`; validated by the same rules. */
export type CreateAutomationRunInput = {
  /** The client's id of the run, unique in the tenant (one is generated when null); a repeat is a `conflict`. */
  correlationId?: InputMaybe<Scalars['String']['input']>;
  /** The flow to start: 1 to 100 letters, digits, `_` or `-`. */
  flowId: Scalars['String']['input'];
  /** The flow's input: a JSON object (`{}` when null). */
  input?: InputMaybe<Scalars['JSON']['input']>;
  /** `activepieces` (the default when null) or `sandbox`. */
  provider?: InputMaybe<Scalars['String']['input']>;
};

/** A new webhook endpoint (as the body of the REST POST). */
export type CreateWebhookEndpointInput = {
  /** What the endpoint is for (up to 1000 characters). */
  description?: InputMaybe<Scalars['String']['input']>;
  /** The event types to send (the eventTypes catalog); null for every type. */
  eventTypes?: InputMaybe<Array<Scalars['String']['input']>>;
  /** A cap on the delivery rate (1..1000); null for none. */
  maxDeliveriesPerSecond?: InputMaybe<Scalars['Int']['input']>;
  /** PER_RESOURCE: deliveries about one resource are sent in event order. Null: NONE. */
  ordering?: InputMaybe<Ordering>;
  /** Where deliveries are POSTed: https (http only where allowed), a public host. */
  url: Scalars['String']['input'];
};

/** A new endpoint and its signing secret. */
export type CreateWebhookEndpointPayload = {
  __typename?: 'CreateWebhookEndpointPayload';
  /** The endpoint, enabled. */
  endpoint: WebhookEndpoint;
  /** The endpoint's signing secret (`whsec_...`): shown in this answer (and its idempotent replays) only. */
  secret: Scalars['String']['output'];
};

/** The endpoint that was deleted, with its delivery log. */
export type DeleteWebhookEndpointPayload = {
  __typename?: 'DeleteWebhookEndpointPayload';
  /** The deleted endpoint's id. */
  id: Scalars['ID']['output'];
};

/** Why a webhook endpoint was disabled. */
export type DisabledReason =
  /** Every attempt failed for too long: disabled automatically. */
  | 'FAILING'
  /** Disabled by the tenant (`enabled: false`). */
  | 'MANUAL';

/** An event type AetherFlow sends to webhook endpoints (the catalog of GET /v1/event-types). */
export type EventType = {
  __typename?: 'EventType';
  /** When the event is sent. */
  description: Scalars['String']['output'];
  /** The JSON Schema (2020-12) of the event's `data`. */
  schema: Scalars['JSON']['output'];
  /** The event's `type`, e.g. `report.created`. */
  type: Scalars['String']['output'];
};

/** Changes to the tenant that the path names, through the REST services and idempotency store (POST only). */
export type Mutation = {
  __typename?: 'Mutation';
  /** Create an automation run and dispatch it to its provider, as the REST `POST .../automation-runs` does. Needs automations:write. */
  createAutomationRun: AutomationRun;
  /** Register a webhook endpoint (as POST .../webhook-endpoints); its signing secret is in this answer only. */
  createWebhookEndpoint: CreateWebhookEndpointPayload;
  /** Delete an endpoint and its delivery log (as DELETE .../webhook-endpoints/{id}); not_found for an id the tenant does not have. */
  deleteWebhookEndpoint: DeleteWebhookEndpointPayload;
  /** Send the endpoint's dead and skipped deliveries of a window back to pending (as POST .../recover); the worker does it in batches: follow it with webhookRecovery(id). Its dry run is the query webhookRecoveryPreview. A disabled endpoint is a conflict. */
  recoverWebhookEndpoint: WebhookRecovery;
  /** Send a dead delivery again from the start of its retry schedule (as POST .../webhook-deliveries/{id}/retry); a delivery that is not dead is a conflict. */
  retryWebhookDelivery: WebhookDelivery;
  /** A new signing secret for the endpoint (as POST .../rotate-secret); the previous one keeps signing beside it for 24 hours. */
  rotateWebhookEndpointSecret: RotateWebhookEndpointSecretPayload;
  /** Send a signed `webhook.test` event to this endpoint only, whatever its eventTypes (as POST .../test); the answer is its delivery. A disabled endpoint is a conflict. */
  sendTestWebhook: WebhookDelivery;
  /** Change the fields given (as PATCH .../webhook-endpoints/{id}); not_found for an id the tenant does not have. */
  updateWebhookEndpoint: WebhookEndpoint;
  /** Create or replace reports by slug, in one transaction, as the REST batch `POST .../reports` does. Needs reports:write. */
  upsertReports: UpsertReportsPayload;
};


/** Changes to the tenant that the path names, through the REST services and idempotency store (POST only). */
export type MutationCreateAutomationRunArgs = {
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  input: CreateAutomationRunInput;
};


/** Changes to the tenant that the path names, through the REST services and idempotency store (POST only). */
export type MutationCreateWebhookEndpointArgs = {
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  input: CreateWebhookEndpointInput;
};


/** Changes to the tenant that the path names, through the REST services and idempotency store (POST only). */
export type MutationDeleteWebhookEndpointArgs = {
  id: Scalars['ID']['input'];
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
};


/** Changes to the tenant that the path names, through the REST services and idempotency store (POST only). */
export type MutationRecoverWebhookEndpointArgs = {
  id: Scalars['ID']['input'];
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  input: RecoverWebhookEndpointInput;
};


/** Changes to the tenant that the path names, through the REST services and idempotency store (POST only). */
export type MutationRetryWebhookDeliveryArgs = {
  id: Scalars['ID']['input'];
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
};


/** Changes to the tenant that the path names, through the REST services and idempotency store (POST only). */
export type MutationRotateWebhookEndpointSecretArgs = {
  id: Scalars['ID']['input'];
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
};


/** Changes to the tenant that the path names, through the REST services and idempotency store (POST only). */
export type MutationSendTestWebhookArgs = {
  id: Scalars['ID']['input'];
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
};


/** Changes to the tenant that the path names, through the REST services and idempotency store (POST only). */
export type MutationUpdateWebhookEndpointArgs = {
  id: Scalars['ID']['input'];
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  input: UpdateWebhookEndpointInput;
};


/** Changes to the tenant that the path names, through the REST services and idempotency store (POST only). */
export type MutationUpsertReportsArgs = {
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  input: Array<ReportInput>;
};

/** An object with a global id: `node(id:)` and `nodes(ids:)` fetch it by that id alone (docs/GRAPHQL-RELAY.md). */
export type Node = {
  /** The object's UUID, unique across every type of node. */
  id: Scalars['ID']['output'];
};

/** Whether a webhook endpoint's deliveries keep the order of their events. */
export type Ordering =
  /** No order is kept: deliveries are sent as they are due. */
  | 'NONE'
  /** Deliveries about one resource are sent in the order their events were committed; other resources are not held. */
  | 'PER_RESOURCE';

/** Where a connection's page stands in its list (Relay's PageInfo; docs/GRAPHQL-RELAY.md). */
export type PageInfo = {
  __typename?: 'PageInfo';
  /** The cursor of the page's last edge (pass it as `after` for the items just after the page); null when the page is empty. */
  endCursor?: Maybe<Scalars['String']['output']>;
  /** Paging forwards (`first`/`after`): whether items follow this page. Always false when paging backwards. */
  hasNextPage: Scalars['Boolean']['output'];
  /** Paging backwards (`last`/`before`): whether items precede this page. Always false when paging forwards. */
  hasPreviousPage: Scalars['Boolean']['output'];
  /** The cursor of the page's first edge (pass it as `before` for the items just before the page); null when the page is empty. */
  startCursor?: Maybe<Scalars['String']['output']>;
};

/** Reads of the tenant that the path names, with the key's or token's scopes. */
export type Query = {
  __typename?: 'Query';
  /** The tenant's API keys, oldest first, revoked and expired ones included. Any authenticated caller of the tenant may list them: no scope is needed. */
  apiKeys: Array<ApiKey>;
  /** The tenant's automation run with this id; null when there is none (a malformed id included). Needs automations:read. */
  automationRun?: Maybe<AutomationRun>;
  /** The tenant's automation runs, newest first, a page at a time. Needs automations:read. */
  automationRuns: AutomationRunConnection;
  /** Every event type AetherFlow sends, with what it means and the JSON Schema of its `data` (the public catalog: any caller of the tenant may read it). */
  eventTypes: Array<EventType>;
  /** The tenant's most recently published report; null when none is published. Needs reports:read. */
  latestReport?: Maybe<Report>;
  /** The report, automation run, webhook endpoint or webhook delivery with this id; null when the tenant has none, and for a type the caller has no read scope for (docs/GRAPHQL-RELAY.md). */
  node?: Maybe<Node>;
  /** The node of each id, in the ids' order, as `node(id:)` gives it (null where it gives null); at most 100 ids. */
  nodes: Array<Maybe<Node>>;
  /** The tenant's report with this slug; null when there is none. Needs reports:read. */
  report?: Maybe<Report>;
  /** The tenant's reports, a page at a time. Needs reports:read. */
  reports: ReportConnection;
  /** The tenant's webhook deliveries, newest first (by createdAt, then id), filtered as the REST list `GET /v1/tenants/{t}/webhook-deliveries` is. Needs webhooks:read. */
  webhookDeliveries: WebhookDeliveryConnection;
  /** One of the tenant's webhook endpoints; null when it has none with this id. */
  webhookEndpoint?: Maybe<WebhookEndpoint>;
  /** Every webhook endpoint of the tenant, oldest first. Needs webhooks:read. */
  webhookEndpoints: Array<WebhookEndpoint>;
  /** A recovery of deliveries (recoverWebhookEndpoint started it); null when the tenant has none with this id. */
  webhookRecovery?: Maybe<WebhookRecovery>;
  /** A dry run of recoverWebhookEndpoint: how many deliveries it would send back to pending now, and a sample of their ids. Changes nothing; needs webhooks:write, as the REST dry run. An unknown endpoint is not_found, a disabled one a conflict. */
  webhookRecoveryPreview: WebhookRecoveryPreview;
};


/** Reads of the tenant that the path names, with the key's or token's scopes. */
export type QueryAutomationRunArgs = {
  id: Scalars['ID']['input'];
};


/** Reads of the tenant that the path names, with the key's or token's scopes. */
export type QueryAutomationRunsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
  status?: InputMaybe<AutomationRunStatus>;
};


/** Reads of the tenant that the path names, with the key's or token's scopes. */
export type QueryNodeArgs = {
  id: Scalars['ID']['input'];
};


/** Reads of the tenant that the path names, with the key's or token's scopes. */
export type QueryNodesArgs = {
  ids: Array<Scalars['ID']['input']>;
};


/** Reads of the tenant that the path names, with the key's or token's scopes. */
export type QueryReportArgs = {
  slug: Scalars['String']['input'];
};


/** Reads of the tenant that the path names, with the key's or token's scopes. */
export type QueryReportsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
  status?: ReportStatus;
};


/** Reads of the tenant that the path names, with the key's or token's scopes. */
export type QueryWebhookDeliveriesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<WebhookDeliveryFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
};


/** Reads of the tenant that the path names, with the key's or token's scopes. */
export type QueryWebhookEndpointArgs = {
  id: Scalars['ID']['input'];
};


/** Reads of the tenant that the path names, with the key's or token's scopes. */
export type QueryWebhookRecoveryArgs = {
  id: Scalars['ID']['input'];
};


/** Reads of the tenant that the path names, with the key's or token's scopes. */
export type QueryWebhookRecoveryPreviewArgs = {
  endpointId: Scalars['ID']['input'];
  input: RecoverWebhookEndpointInput;
};

/** The deliveries to recover: the endpoint's deliveries created in [since, until) whose status is among `statuses`. */
export type RecoverWebhookEndpointInput = {
  /** Created at or after this moment. */
  since: Scalars['DateTime']['input'];
  /** A non-empty subset of DEAD and SKIPPED; null: both. */
  statuses?: InputMaybe<Array<WebhookDeliveryStatus>>;
  /** Created before this moment; null: the moment of the request. */
  until?: InputMaybe<Scalars['DateTime']['input']>;
};

/** A report, as REST shows it. */
export type Report = Node & {
  __typename?: 'Report';
  /** The report's content: any JSON object. */
  content: Scalars['JSON']['output'];
  /** When the report was first written. */
  createdAt: Scalars['DateTime']['output'];
  /** The report's id (a UUID). */
  id: Scalars['ID']['output'];
  /** When the report was published; null for a draft. */
  publishedAt?: Maybe<Scalars['DateTime']['output']>;
  /** The report's name within the tenant, unique; upserts key on it. */
  slug: Scalars['String']['output'];
  /** A summary of up to 2000 characters, or null. */
  summary?: Maybe<Scalars['String']['output']>;
  /** The title, 1 to 300 characters. */
  title: Scalars['String']['output'];
  /** When the report last changed. */
  updatedAt: Scalars['DateTime']['output'];
};

/** A page of reports, in the order of the list's status. */
export type ReportConnection = {
  __typename?: 'ReportConnection';
  /** The page's reports. */
  edges: Array<ReportEdge>;
  /** Where the page stands in the list. */
  pageInfo: PageInfo;
};

/** A report in a list, with its cursor. */
export type ReportEdge = {
  __typename?: 'ReportEdge';
  /** Where the list resumes after (or before) this report. */
  cursor: Scalars['String']['output'];
  /** The report. */
  node: Report;
};

/** One report of an upsert, as in the REST batch `POST .../reports`; validated by the same rules. */
export type ReportInput = {
  /** The content: a JSON object (`{}` when null). */
  content?: InputMaybe<Scalars['JSON']['input']>;
  /** When it was published; null for a draft. */
  publishedAt?: InputMaybe<Scalars['DateTime']['input']>;
  /** The report's name within the tenant (lowercase letters, digits and hyphens): an existing report with this slug is replaced. */
  slug: Scalars['String']['input'];
  /** A summary of up to 2000 characters. */
  summary?: InputMaybe<Scalars['String']['input']>;
  /** The title, 1 to 300 characters. */
  title: Scalars['String']['input'];
};

/** Which reports a list shows, and in which order. */
export type ReportStatus =
  /** Every report, newest updatedAt first. */
  | 'ALL'
  /** Drafts (never published), newest updatedAt first. */
  | 'DRAFT'
  /** Published reports, newest publishedAt first. */
  | 'PUBLISHED';

/** What an upsert did to one report, and the report as it stands. */
export type ReportUpsertResult = {
  __typename?: 'ReportUpsertResult';
  /** The report as it stands after the upsert. */
  report: Report;
  /** What the upsert did to the report. */
  result: UpsertResult;
};

/** An endpoint's new signing secret; the previous one signs beside it for 24 hours. */
export type RotateWebhookEndpointSecretPayload = {
  __typename?: 'RotateWebhookEndpointSecretPayload';
  /** Until then the previous secret keeps signing beside the new one. */
  previousSecretExpiresAt: Scalars['DateTime']['output'];
  /** The new signing secret (`whsec_...`); shown in this answer only. */
  secret: Scalars['String']['output'];
};

/** A window of delivery statistics, ending now. */
export type StatsWindow =
  /** The last hour (REST `1h`). */
  | 'ONE_HOUR'
  /** The last 24 hours (REST `24h`). */
  | 'TWENTY_FOUR_HOURS';

/** Live updates, over graphql-transport-ws at the same path. */
export type Subscription = {
  __typename?: 'Subscription';
  /** The run's current state, then each change, until a terminal status. An unknown run (another tenant's included) is an error with code not_found. Needs automations:read. */
  automationRunUpdated: AutomationRun;
  /** Each automation run of the tenant as it changes: created (QUEUED), dispatched, completed, or sent back to QUEUED by an operator. The stream does not end on its own and sends no current state first: query `automationRuns` for the list, then apply these changes to it. Needs scope `automations:read`. */
  automationRunsChanged: AutomationRun;
  /** Each change of a delivery to this endpoint, in its new state: created (PENDING, or SKIPPED while the endpoint is disabled), each attempt recorded (still PENDING with its next attempt, DELIVERED or DEAD), and sent back to PENDING by a retry or a recovery. The stream does not end on its own and sends no current state first: query the endpoint's deliveries, then apply these changes. Needs scope `webhooks:read`; an endpoint this tenant does not have is a `not_found` error. */
  webhookDeliveryUpdated: WebhookDelivery;
};


/** Live updates, over graphql-transport-ws at the same path. */
export type SubscriptionAutomationRunUpdatedArgs = {
  id: Scalars['ID']['input'];
};


/** Live updates, over graphql-transport-ws at the same path. */
export type SubscriptionWebhookDeliveryUpdatedArgs = {
  endpointId: Scalars['ID']['input'];
};

/** Changes to an endpoint: only the fields given change (as the REST PATCH). */
export type UpdateWebhookEndpointInput = {
  /** What the endpoint is for; null clears it. */
  description?: InputMaybe<Scalars['String']['input']>;
  /** false disables it by hand (disabledReason MANUAL); true enables it and clears disabledAt. Not null. */
  enabled?: InputMaybe<Scalars['Boolean']['input']>;
  /** The event types to send; null for every type. */
  eventTypes?: InputMaybe<Array<Scalars['String']['input']>>;
  /** A cap on the delivery rate (1..1000); null: none. */
  maxDeliveriesPerSecond?: InputMaybe<Scalars['Int']['input']>;
  /** The delivery ordering; not null. */
  ordering?: InputMaybe<Ordering>;
  /** A new URL (checked as on creation); not null. */
  url?: InputMaybe<Scalars['String']['input']>;
};

/** The outcome of `upsertReports`: per report, and counted. */
export type UpsertReportsPayload = {
  __typename?: 'UpsertReportsPayload';
  /** One result per report of the batch, in the batch's order. */
  results: Array<ReportUpsertResult>;
  /** How many reports had each result. */
  summary: UpsertSummary;
};

/** What an upsert did to one report. */
export type UpsertResult =
  /** The report was new: it was created. */
  | 'CREATED'
  /** The report existed and was equal: nothing was written. */
  | 'UNCHANGED'
  /** The report existed and differed: it was replaced. */
  | 'UPDATED';

/** How many reports each outcome had. */
export type UpsertSummary = {
  __typename?: 'UpsertSummary';
  /** Reports the batch created. */
  created: Scalars['Int']['output'];
  /** Reports the batch left as they were (equal already). */
  unchanged: Scalars['Int']['output'];
  /** Reports the batch changed. */
  updated: Scalars['Int']['output'];
};

/** One event's delivery to one endpoint, and how its attempts went. */
export type WebhookDelivery = Node & {
  __typename?: 'WebhookDelivery';
  /** Attempts made so far. */
  attempts: Scalars['Int']['output'];
  /** When it was created. */
  createdAt: Scalars['DateTime']['output'];
  /** When the endpoint accepted it; null until then. */
  deliveredAt?: Maybe<Scalars['DateTime']['output']>;
  /** The endpoint it goes to. */
  endpointId: Scalars['ID']['output'];
  /** Its event (the `webhook-id` header it is sent with). */
  eventId: Scalars['ID']['output'];
  /** Its event's type. */
  eventType: Scalars['String']['output'];
  /** The delivery's id. */
  id: Scalars['ID']['output'];
  /** Why the last attempt failed; null if it did not. */
  lastError?: Maybe<Scalars['String']['output']>;
  /** The start of the body the endpoint answered the last attempt with (as stored, cut short); null before any answer. Read on its own: ask for it on one delivery. */
  lastResponseExcerpt?: Maybe<Scalars['String']['output']>;
  /** The HTTP status of the last attempt; null without an answer. */
  lastStatusCode?: Maybe<Scalars['Int']['output']>;
  /** When a pending delivery is next tried; null while it waits for its turn behind an earlier one of its resource, and once it is finished. */
  nextAttemptAt?: Maybe<Scalars['DateTime']['output']>;
  /** The X-Request-Id of the API request that caused its event; null when a job caused it. */
  requestId?: Maybe<Scalars['String']['output']>;
  /** The report or run its event is about. */
  resourceId?: Maybe<Scalars['ID']['output']>;
  /** `pending` (to be sent), `delivered`, `dead` (a final refusal, or its retries ran out) or `skipped` (its endpoint was disabled; never sent). */
  status: WebhookDeliveryStatus;
};

/** A page of deliveries, newest first (by createdAt, then id). */
export type WebhookDeliveryConnection = {
  __typename?: 'WebhookDeliveryConnection';
  /** The page's deliveries. */
  edges: Array<WebhookDeliveryEdge>;
  /** Where the page stands in the list. */
  pageInfo: PageInfo;
};

/** A delivery in a list, with its cursor. */
export type WebhookDeliveryEdge = {
  __typename?: 'WebhookDeliveryEdge';
  /** Where the list resumes after (or before) this delivery. */
  cursor: Scalars['String']['output'];
  /** The delivery. */
  node: WebhookDelivery;
};

/** Filters of a delivery list, as the REST list `GET /v1/tenants/{t}/webhook-deliveries` takes them; every one given must hold. */
export type WebhookDeliveryFilter = {
  /** Deliveries to this endpoint. */
  endpointId?: InputMaybe<Scalars['ID']['input']>;
  /** Deliveries of this event. */
  eventId?: InputMaybe<Scalars['ID']['input']>;
  /** Deliveries of events of this type (e.g. `report.created`). */
  eventType?: InputMaybe<Scalars['String']['input']>;
  /** Deliveries of events caused by the API request with this X-Request-Id. */
  requestId?: InputMaybe<Scalars['String']['input']>;
  /** Deliveries of events about this report or run. */
  resourceId?: InputMaybe<Scalars['ID']['input']>;
  /** Deliveries created at or after this moment. */
  since?: InputMaybe<Scalars['DateTime']['input']>;
  /** Deliveries in this status. */
  status?: InputMaybe<WebhookDeliveryStatus>;
  /** Deliveries created before this moment. */
  until?: InputMaybe<Scalars['DateTime']['input']>;
};

/** Where a webhook delivery stands. */
export type WebhookDeliveryStatus =
  /** Out of attempts, or refused for good; it can be retried. */
  | 'DEAD'
  /** An attempt succeeded (a 2xx answer). */
  | 'DELIVERED'
  /** Waiting for its next attempt (or being sent). */
  | 'PENDING'
  /** Its event matched the endpoint while the endpoint was disabled: never sent, unless recovered. */
  | 'SKIPPED';

/** A URL the tenant's events are delivered to, signed (Standard Webhooks). */
export type WebhookEndpoint = Node & {
  __typename?: 'WebhookEndpoint';
  /** When it was registered. */
  createdAt: Scalars['DateTime']['output'];
  /** The endpoint's deliveries, newest first, as `webhookDeliveries` lists them with `endpointId` fixed to this endpoint (a filter naming another endpoint matches none). Needs webhooks:read. */
  deliveries: WebhookDeliveryConnection;
  /** What the endpoint is for. */
  description?: Maybe<Scalars['String']['output']>;
  /** When it was disabled; null while enabled. */
  disabledAt?: Maybe<Scalars['DateTime']['output']>;
  /** Why it was disabled: `failing` (automatically) or `manual`; null while enabled. */
  disabledReason?: Maybe<DisabledReason>;
  /** Whether events are sent to it (false: disabled). */
  enabled: Scalars['Boolean']['output'];
  /** The event types sent to it; null for every type. */
  eventTypes?: Maybe<Array<Scalars['String']['output']>>;
  /** The endpoint's id. */
  id: Scalars['ID']['output'];
  /** Its cap on the delivery rate; null for none. */
  maxDeliveriesPerSecond?: Maybe<Scalars['Int']['output']>;
  /** `per-resource`: deliveries about one resource are sent in event order; `none`: no order is kept. */
  ordering: Ordering;
  /** The endpoint's delivery statistics over a window. */
  stats?: Maybe<WebhookEndpointStats>;
  /** When it last changed. */
  updatedAt: Scalars['DateTime']['output'];
  /** Where deliveries are POSTed. */
  url: Scalars['String']['output'];
};


/** A URL the tenant's events are delivered to, signed (Standard Webhooks). */
export type WebhookEndpointDeliveriesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<WebhookDeliveryFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
};


/** A URL the tenant's events are delivered to, signed (Standard Webhooks). */
export type WebhookEndpointStatsArgs = {
  window?: StatsWindow;
};

/** An endpoint's delivery statistics over a window (docs/WEBHOOKS.md). */
export type WebhookEndpointStats = {
  __typename?: 'WebhookEndpointStats';
  /** Delivery attempts that finished within the window. */
  attempts: Scalars['Int']['output'];
  /** Attempts that succeeded. */
  delivered: Scalars['Int']['output'];
  /** Attempts that did not (retried later, or dead). */
  failed: Scalars['Int']['output'];
  /** When an attempt to the endpoint last failed (at any time). */
  lastFailureAt?: Maybe<Scalars['DateTime']['output']>;
  /** When the endpoint last answered an attempt with success (at any time). */
  lastSuccessAt?: Maybe<Scalars['DateTime']['output']>;
  /** Median time from a delivery's creation to its success (interpolated within fixed buckets); null with no success in the window. */
  latencyP50Ms?: Maybe<Scalars['Int']['output']>;
  /** 95th percentile of the same latency; null with no success in the window. */
  latencyP95Ms?: Maybe<Scalars['Int']['output']>;
  /** Age of the oldest pending delivery; null with none pending. */
  oldestPendingAgeSeconds?: Maybe<Scalars['Int']['output']>;
  /** Deliveries pending now (the backlog). */
  pending: Scalars['Int']['output'];
  /** delivered / attempts, in 0..1; null with no attempts. */
  successRate?: Maybe<Scalars['Float']['output']>;
  /** The window (`1h` or `24h`): the minutes that started within it. */
  window: StatsWindow;
};

/** A recovery of an endpoint's dead or skipped deliveries, carried out by the worker in batches. */
export type WebhookRecovery = {
  __typename?: 'WebhookRecovery';
  /** When it completed or failed; null while running. */
  completedAt?: Maybe<Scalars['DateTime']['output']>;
  /** When the recovery started. */
  createdAt: Scalars['DateTime']['output'];
  /** Deliveries sent back to pending so far. */
  done: Scalars['Int']['output'];
  /** The endpoint whose deliveries it recovers. */
  endpointId: Scalars['ID']['output'];
  /** At the end, counted deliveries not sent back (total - done); 0 before. */
  failed: Scalars['Int']['output'];
  /** The recovery's id. */
  id: Scalars['ID']['output'];
  /** `running` until every matching delivery was handled, then `completed`; `failed` when the endpoint was disabled or deleted meanwhile. */
  status: WebhookRecoveryStatus;
  /** Deliveries that matched when it started (raised if more were recovered). */
  total: Scalars['Int']['output'];
};

/** What a recovery started now would do (a dry run): nothing is changed. */
export type WebhookRecoveryPreview = {
  __typename?: 'WebhookRecoveryPreview';
  /** Deliveries a recovery started now would send back. */
  count: Scalars['Int']['output'];
  /** The ids of up to 10 of them. */
  sample: Array<Scalars['ID']['output']>;
};

/** Where a recovery of deliveries stands. */
export type WebhookRecoveryStatus =
  /** Every matching delivery was handled. */
  | 'COMPLETED'
  /** The endpoint was disabled or deleted before it was done. */
  | 'FAILED'
  /** The worker is sending the matching deliveries back to pending. */
  | 'RUNNING';

export type ConsoleDeliveriesQueryVariables = Exact<{
  first: Scalars['Int']['input'];
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<WebhookDeliveryFilter>;
}>;


export type ConsoleDeliveriesQuery = { __typename?: 'Query', webhookDeliveries: { __typename?: 'WebhookDeliveryConnection', edges: Array<{ __typename?: 'WebhookDeliveryEdge', node: { __typename?: 'WebhookDelivery', id: string, endpointId: string, eventType: string, status: WebhookDeliveryStatus, attempts: number, lastStatusCode?: number | null, resourceId?: string | null, requestId?: string | null, createdAt: string } }>, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null } } };

export type ConsoleDeliveryEventTypesQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleDeliveryEventTypesQuery = { __typename?: 'Query', eventTypes: Array<{ __typename?: 'EventType', type: string }> };

export type ConsoleDeliveryQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type ConsoleDeliveryQuery = { __typename?: 'Query', node?: { __typename: 'AutomationRun' } | { __typename: 'Report' } | { __typename: 'WebhookDelivery', id: string, endpointId: string, eventId: string, eventType: string, status: WebhookDeliveryStatus, attempts: number, lastStatusCode?: number | null, lastError?: string | null, nextAttemptAt?: string | null, deliveredAt?: string | null, resourceId?: string | null, requestId?: string | null, createdAt: string, lastResponseExcerpt?: string | null } | { __typename: 'WebhookEndpoint' } | null };

export type ConsoleDeliveryUpdatesSubscriptionVariables = Exact<{
  endpointId: Scalars['ID']['input'];
}>;


export type ConsoleDeliveryUpdatesSubscription = { __typename?: 'Subscription', webhookDeliveryUpdated: { __typename?: 'WebhookDelivery', id: string, status: WebhookDeliveryStatus, attempts: number } };

export type ConsoleRetryDeliveryMutationVariables = Exact<{
  id: Scalars['ID']['input'];
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
}>;


export type ConsoleRetryDeliveryMutation = { __typename?: 'Mutation', retryWebhookDelivery: { __typename?: 'WebhookDelivery', id: string, status: WebhookDeliveryStatus } };

export type ConsoleEventTypesQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleEventTypesQuery = { __typename?: 'Query', eventTypes: Array<{ __typename?: 'EventType', type: string, description: string, schema: unknown }> };

export type ConsoleRecoveryEndpointQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type ConsoleRecoveryEndpointQuery = { __typename?: 'Query', webhookEndpoint?: { __typename?: 'WebhookEndpoint', id: string, url: string } | null };

export type ConsoleRecoveryPreviewQueryVariables = Exact<{
  endpointId: Scalars['ID']['input'];
  input: RecoverWebhookEndpointInput;
}>;


export type ConsoleRecoveryPreviewQuery = { __typename?: 'Query', webhookRecoveryPreview: { __typename?: 'WebhookRecoveryPreview', count: number, sample: Array<string> } };

export type ConsoleRecoverEndpointMutationVariables = Exact<{
  id: Scalars['ID']['input'];
  input: RecoverWebhookEndpointInput;
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
}>;


export type ConsoleRecoverEndpointMutation = { __typename?: 'Mutation', recoverWebhookEndpoint: { __typename?: 'WebhookRecovery', id: string } };

export type ConsoleRecoveryQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type ConsoleRecoveryQuery = { __typename?: 'Query', webhookRecovery?: { __typename?: 'WebhookRecovery', id: string, status: WebhookRecoveryStatus, total: number, done: number, failed: number, createdAt: string, completedAt?: string | null } | null };

export type ConsoleReportQueryVariables = Exact<{
  slug: Scalars['String']['input'];
}>;


export type ConsoleReportQuery = { __typename?: 'Query', report?: { __typename?: 'Report', id: string, slug: string, title: string, summary?: string | null, content: unknown, publishedAt?: string | null, createdAt: string, updatedAt: string } | null };

export type ConsoleReportsQueryVariables = Exact<{
  status: ReportStatus;
  first: Scalars['Int']['input'];
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type ConsoleReportsQuery = { __typename?: 'Query', reports: { __typename?: 'ReportConnection', edges: Array<{ __typename?: 'ReportEdge', node: { __typename?: 'Report', id: string, slug: string, title: string, summary?: string | null, publishedAt?: string | null, updatedAt: string } }>, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null } } };

export type ConsoleRunFieldsFragment = { __typename?: 'AutomationRun', id: string, flowId: string, provider: string, status: AutomationRunStatus, correlationId: string, input: unknown, output?: unknown | null, error?: unknown | null, providerRunId?: string | null, attempts: number, createdAt: string, updatedAt: string, startedAt?: string | null, completedAt?: string | null };

export type ConsoleAutomationRunsQueryVariables = Exact<{
  status?: InputMaybe<AutomationRunStatus>;
  first: Scalars['Int']['input'];
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type ConsoleAutomationRunsQuery = { __typename?: 'Query', automationRuns: { __typename?: 'AutomationRunConnection', edges: Array<{ __typename?: 'AutomationRunEdge', node: { __typename?: 'AutomationRun', id: string, flowId: string, provider: string, status: AutomationRunStatus, correlationId: string, input: unknown, output?: unknown | null, error?: unknown | null, providerRunId?: string | null, attempts: number, createdAt: string, updatedAt: string, startedAt?: string | null, completedAt?: string | null } }>, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null } } };

export type ConsoleAutomationRunsChangedSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type ConsoleAutomationRunsChangedSubscription = { __typename?: 'Subscription', automationRunsChanged: { __typename?: 'AutomationRun', id: string, flowId: string, provider: string, status: AutomationRunStatus, correlationId: string, input: unknown, output?: unknown | null, error?: unknown | null, providerRunId?: string | null, attempts: number, createdAt: string, updatedAt: string, startedAt?: string | null, completedAt?: string | null } };

export type ConsoleAutomationRunQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type ConsoleAutomationRunQuery = { __typename?: 'Query', automationRun?: { __typename?: 'AutomationRun', id: string, flowId: string, provider: string, status: AutomationRunStatus, correlationId: string, input: unknown, output?: unknown | null, error?: unknown | null, providerRunId?: string | null, attempts: number, createdAt: string, updatedAt: string, startedAt?: string | null, completedAt?: string | null } | null };

export type ConsoleAutomationRunUpdatedSubscriptionVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type ConsoleAutomationRunUpdatedSubscription = { __typename?: 'Subscription', automationRunUpdated: { __typename?: 'AutomationRun', id: string, flowId: string, provider: string, status: AutomationRunStatus, correlationId: string, input: unknown, output?: unknown | null, error?: unknown | null, providerRunId?: string | null, attempts: number, createdAt: string, updatedAt: string, startedAt?: string | null, completedAt?: string | null } };

export type ConsoleCreateAutomationRunMutationVariables = Exact<{
  input: CreateAutomationRunInput;
  idempotencyKey: Scalars['String']['input'];
}>;


export type ConsoleCreateAutomationRunMutation = { __typename?: 'Mutation', createAutomationRun: { __typename?: 'AutomationRun', id: string } };

export type ConsoleEndpointDeliveryFragment = { __typename?: 'WebhookDelivery', id: string, eventId: string, eventType: string, status: WebhookDeliveryStatus, attempts: number, lastStatusCode?: number | null, lastError?: string | null, nextAttemptAt?: string | null, deliveredAt?: string | null, createdAt: string };

export type ConsoleEndpointDeliveryUpdatedSubscriptionVariables = Exact<{
  endpointId: Scalars['ID']['input'];
}>;


export type ConsoleEndpointDeliveryUpdatedSubscription = { __typename?: 'Subscription', webhookDeliveryUpdated: { __typename?: 'WebhookDelivery', id: string, eventId: string, eventType: string, status: WebhookDeliveryStatus, attempts: number, lastStatusCode?: number | null, lastError?: string | null, nextAttemptAt?: string | null, deliveredAt?: string | null, createdAt: string } };

export type ConsoleWebhookEndpointQueryVariables = Exact<{
  id: Scalars['ID']['input'];
  window: StatsWindow;
}>;


export type ConsoleWebhookEndpointQuery = { __typename?: 'Query', webhookEndpoint?: { __typename?: 'WebhookEndpoint', id: string, url: string, description?: string | null, eventTypes?: Array<string> | null, enabled: boolean, disabledAt?: string | null, disabledReason?: DisabledReason | null, ordering: Ordering, maxDeliveriesPerSecond?: number | null, createdAt: string, updatedAt: string, stats?: { __typename?: 'WebhookEndpointStats', attempts: number, delivered: number, failed: number, successRate?: number | null, latencyP50Ms?: number | null, latencyP95Ms?: number | null, pending: number, oldestPendingAgeSeconds?: number | null, lastSuccessAt?: string | null, lastFailureAt?: string | null } | null, deliveries: { __typename?: 'WebhookDeliveryConnection', edges: Array<{ __typename?: 'WebhookDeliveryEdge', node: { __typename?: 'WebhookDelivery', id: string, eventId: string, eventType: string, status: WebhookDeliveryStatus, attempts: number, lastStatusCode?: number | null, lastError?: string | null, nextAttemptAt?: string | null, deliveredAt?: string | null, createdAt: string } }> } } | null };

export type ConsoleWebhookEndpointsQueryVariables = Exact<{
  window: StatsWindow;
}>;


export type ConsoleWebhookEndpointsQuery = { __typename?: 'Query', webhookEndpoints: Array<{ __typename?: 'WebhookEndpoint', id: string, url: string, description?: string | null, eventTypes?: Array<string> | null, enabled: boolean, disabledReason?: DisabledReason | null, disabledAt?: string | null, stats?: { __typename?: 'WebhookEndpointStats', attempts: number, delivered: number, failed: number, successRate?: number | null, latencyP50Ms?: number | null, latencyP95Ms?: number | null, pending: number, oldestPendingAgeSeconds?: number | null, lastSuccessAt?: string | null, lastFailureAt?: string | null } | null }> };

export type ConsoleWebhookEventTypesQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleWebhookEventTypesQuery = { __typename?: 'Query', eventTypes: Array<{ __typename?: 'EventType', type: string, description: string }> };

export type ConsoleCreateWebhookEndpointMutationVariables = Exact<{
  input: CreateWebhookEndpointInput;
  idempotencyKey: Scalars['String']['input'];
}>;


export type ConsoleCreateWebhookEndpointMutation = { __typename?: 'Mutation', createWebhookEndpoint: { __typename?: 'CreateWebhookEndpointPayload', secret: string, endpoint: { __typename?: 'WebhookEndpoint', id: string, url: string } } };

export type ConsoleEndpointStatsFragment = { __typename?: 'WebhookEndpointStats', attempts: number, delivered: number, failed: number, successRate?: number | null, latencyP50Ms?: number | null, latencyP95Ms?: number | null, pending: number, oldestPendingAgeSeconds?: number | null, lastSuccessAt?: string | null, lastFailureAt?: string | null };

export type ConsoleUpdateWebhookEndpointMutationVariables = Exact<{
  id: Scalars['ID']['input'];
  input: UpdateWebhookEndpointInput;
  idempotencyKey: Scalars['String']['input'];
}>;


export type ConsoleUpdateWebhookEndpointMutation = { __typename?: 'Mutation', updateWebhookEndpoint: { __typename?: 'WebhookEndpoint', id: string, enabled: boolean } };

export type ConsoleRotateWebhookEndpointSecretMutationVariables = Exact<{
  id: Scalars['ID']['input'];
  idempotencyKey: Scalars['String']['input'];
}>;


export type ConsoleRotateWebhookEndpointSecretMutation = { __typename?: 'Mutation', rotateWebhookEndpointSecret: { __typename?: 'RotateWebhookEndpointSecretPayload', secret: string, previousSecretExpiresAt: string } };

export type ConsoleSendTestWebhookMutationVariables = Exact<{
  id: Scalars['ID']['input'];
  idempotencyKey: Scalars['String']['input'];
}>;


export type ConsoleSendTestWebhookMutation = { __typename?: 'Mutation', sendTestWebhook: { __typename?: 'WebhookDelivery', id: string, eventId: string, eventType: string, status: WebhookDeliveryStatus, attempts: number, lastStatusCode?: number | null, lastError?: string | null, nextAttemptAt?: string | null, deliveredAt?: string | null, createdAt: string } };

export type ConsoleDeleteWebhookEndpointMutationVariables = Exact<{
  id: Scalars['ID']['input'];
  idempotencyKey: Scalars['String']['input'];
}>;


export type ConsoleDeleteWebhookEndpointMutation = { __typename?: 'Mutation', deleteWebhookEndpoint: { __typename?: 'DeleteWebhookEndpointPayload', id: string } };

export const ConsoleRunFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConsoleRunFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AutomationRun"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"flowId"}},{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"correlationId"}},{"kind":"Field","name":{"kind":"Name","value":"input"}},{"kind":"Field","name":{"kind":"Name","value":"output"}},{"kind":"Field","name":{"kind":"Name","value":"error"}},{"kind":"Field","name":{"kind":"Name","value":"providerRunId"}},{"kind":"Field","name":{"kind":"Name","value":"attempts"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"completedAt"}}]}}]} as unknown as DocumentNode<ConsoleRunFieldsFragment, unknown>;
export const ConsoleEndpointDeliveryFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConsoleEndpointDelivery"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"WebhookDelivery"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"eventId"}},{"kind":"Field","name":{"kind":"Name","value":"eventType"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"attempts"}},{"kind":"Field","name":{"kind":"Name","value":"lastStatusCode"}},{"kind":"Field","name":{"kind":"Name","value":"lastError"}},{"kind":"Field","name":{"kind":"Name","value":"nextAttemptAt"}},{"kind":"Field","name":{"kind":"Name","value":"deliveredAt"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}}]} as unknown as DocumentNode<ConsoleEndpointDeliveryFragment, unknown>;
export const ConsoleEndpointStatsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConsoleEndpointStats"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"WebhookEndpointStats"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"attempts"}},{"kind":"Field","name":{"kind":"Name","value":"delivered"}},{"kind":"Field","name":{"kind":"Name","value":"failed"}},{"kind":"Field","name":{"kind":"Name","value":"successRate"}},{"kind":"Field","name":{"kind":"Name","value":"latencyP50Ms"}},{"kind":"Field","name":{"kind":"Name","value":"latencyP95Ms"}},{"kind":"Field","name":{"kind":"Name","value":"pending"}},{"kind":"Field","name":{"kind":"Name","value":"oldestPendingAgeSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"lastSuccessAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastFailureAt"}}]}}]} as unknown as DocumentNode<ConsoleEndpointStatsFragment, unknown>;
export const ConsoleDeliveriesDocument = {"__meta__":{"hash":"12b47794bfcf93470e789bee12bd7c8107a9bd3ab66474fc353cfa413b45df6d"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleDeliveries"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"WebhookDeliveryFilter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"webhookDeliveries"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"endpointId"}},{"kind":"Field","name":{"kind":"Name","value":"eventType"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"attempts"}},{"kind":"Field","name":{"kind":"Name","value":"lastStatusCode"}},{"kind":"Field","name":{"kind":"Name","value":"resourceId"}},{"kind":"Field","name":{"kind":"Name","value":"requestId"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleDeliveriesQuery, ConsoleDeliveriesQueryVariables>;
export const ConsoleDeliveryEventTypesDocument = {"__meta__":{"hash":"7917e2a3574448132cceb1fc4f423d426a2c3eb31b8c78d50ec6644be660da1c"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleDeliveryEventTypes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"eventTypes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"type"}}]}}]}}]} as unknown as DocumentNode<ConsoleDeliveryEventTypesQuery, ConsoleDeliveryEventTypesQueryVariables>;
export const ConsoleDeliveryDocument = {"__meta__":{"hash":"88fd114d292c82da4ada5f55c48a24d3229d68e8473944cf1b267cf9bc4af87a"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleDelivery"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"WebhookDelivery"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"endpointId"}},{"kind":"Field","name":{"kind":"Name","value":"eventId"}},{"kind":"Field","name":{"kind":"Name","value":"eventType"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"attempts"}},{"kind":"Field","name":{"kind":"Name","value":"lastStatusCode"}},{"kind":"Field","name":{"kind":"Name","value":"lastError"}},{"kind":"Field","name":{"kind":"Name","value":"nextAttemptAt"}},{"kind":"Field","name":{"kind":"Name","value":"deliveredAt"}},{"kind":"Field","name":{"kind":"Name","value":"resourceId"}},{"kind":"Field","name":{"kind":"Name","value":"requestId"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastResponseExcerpt"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleDeliveryQuery, ConsoleDeliveryQueryVariables>;
export const ConsoleDeliveryUpdatesDocument = {"__meta__":{"hash":"b40251de0df34f80dc7f187d19e045cfe5e5f9ce182a83fce7ad317de93122fc"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"ConsoleDeliveryUpdates"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"endpointId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"webhookDeliveryUpdated"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"endpointId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"endpointId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"attempts"}}]}}]}}]} as unknown as DocumentNode<ConsoleDeliveryUpdatesSubscription, ConsoleDeliveryUpdatesSubscriptionVariables>;
export const ConsoleRetryDeliveryDocument = {"__meta__":{"hash":"7bbcf6204075267e7d0a50104284f408a7417993c2457250e8c5ab9280287cbf"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConsoleRetryDelivery"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"idempotencyKey"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"retryWebhookDelivery"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"idempotencyKey"},"value":{"kind":"Variable","name":{"kind":"Name","value":"idempotencyKey"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]} as unknown as DocumentNode<ConsoleRetryDeliveryMutation, ConsoleRetryDeliveryMutationVariables>;
export const ConsoleEventTypesDocument = {"__meta__":{"hash":"2876ba7f653d4683c7a1d8e88c7b1a98bf8197491a5b348316ca457d79463504"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleEventTypes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"eventTypes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"schema"}}]}}]}}]} as unknown as DocumentNode<ConsoleEventTypesQuery, ConsoleEventTypesQueryVariables>;
export const ConsoleRecoveryEndpointDocument = {"__meta__":{"hash":"1b31d9838de488f298952065b6f050fc4e51602c2cc9af38e9c4a430d1e7dc77"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleRecoveryEndpoint"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"webhookEndpoint"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"url"}}]}}]}}]} as unknown as DocumentNode<ConsoleRecoveryEndpointQuery, ConsoleRecoveryEndpointQueryVariables>;
export const ConsoleRecoveryPreviewDocument = {"__meta__":{"hash":"b29ed17c6924b924162dfbbf28118c3def7f560da15ad6c3a18530ac955f3f9f"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleRecoveryPreview"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"endpointId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RecoverWebhookEndpointInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"webhookRecoveryPreview"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"endpointId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"endpointId"}}},{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"count"}},{"kind":"Field","name":{"kind":"Name","value":"sample"}}]}}]}}]} as unknown as DocumentNode<ConsoleRecoveryPreviewQuery, ConsoleRecoveryPreviewQueryVariables>;
export const ConsoleRecoverEndpointDocument = {"__meta__":{"hash":"79c8fdd832b55aa3b5d3729d7da7a04f5dde869c8d954fe6c22a612359ad7f95"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConsoleRecoverEndpoint"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RecoverWebhookEndpointInput"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"idempotencyKey"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"recoverWebhookEndpoint"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}},{"kind":"Argument","name":{"kind":"Name","value":"idempotencyKey"},"value":{"kind":"Variable","name":{"kind":"Name","value":"idempotencyKey"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<ConsoleRecoverEndpointMutation, ConsoleRecoverEndpointMutationVariables>;
export const ConsoleRecoveryDocument = {"__meta__":{"hash":"62474acdc8cf9bc9d34836c5aa948a385ba5e3cd2c0f04f9c9454ef45d73e256"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleRecovery"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"webhookRecovery"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"total"}},{"kind":"Field","name":{"kind":"Name","value":"done"}},{"kind":"Field","name":{"kind":"Name","value":"failed"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"completedAt"}}]}}]}}]} as unknown as DocumentNode<ConsoleRecoveryQuery, ConsoleRecoveryQueryVariables>;
export const ConsoleReportDocument = {"__meta__":{"hash":"15e79235e9c5d4fb6bdd5e8c261616f2ddb787deefbfd20c86e79d5e9d04ccad"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleReport"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"slug"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"report"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"slug"},"value":{"kind":"Variable","name":{"kind":"Name","value":"slug"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"slug"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"summary"}},{"kind":"Field","name":{"kind":"Name","value":"content"}},{"kind":"Field","name":{"kind":"Name","value":"publishedAt"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}}]}}]}}]} as unknown as DocumentNode<ConsoleReportQuery, ConsoleReportQueryVariables>;
export const ConsoleReportsDocument = {"__meta__":{"hash":"f904d96ca6c1d3cff24a145ec0d218f1809a63822bed8b9964c1d6f81b7714c6"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleReports"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"status"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ReportStatus"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"reports"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"status"},"value":{"kind":"Variable","name":{"kind":"Name","value":"status"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"slug"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"summary"}},{"kind":"Field","name":{"kind":"Name","value":"publishedAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleReportsQuery, ConsoleReportsQueryVariables>;
export const ConsoleAutomationRunsDocument = {"__meta__":{"hash":"c6ac2d350cb8bc66453d5772e24293bb9f6d9547a5a26f8fa86d9fad34c5c35c"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleAutomationRuns"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"status"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"AutomationRunStatus"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"automationRuns"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"status"},"value":{"kind":"Variable","name":{"kind":"Name","value":"status"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleRunFields"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConsoleRunFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AutomationRun"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"flowId"}},{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"correlationId"}},{"kind":"Field","name":{"kind":"Name","value":"input"}},{"kind":"Field","name":{"kind":"Name","value":"output"}},{"kind":"Field","name":{"kind":"Name","value":"error"}},{"kind":"Field","name":{"kind":"Name","value":"providerRunId"}},{"kind":"Field","name":{"kind":"Name","value":"attempts"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"completedAt"}}]}}]} as unknown as DocumentNode<ConsoleAutomationRunsQuery, ConsoleAutomationRunsQueryVariables>;
export const ConsoleAutomationRunsChangedDocument = {"__meta__":{"hash":"a84305c8b723c699363d4cab7c21007709935f5aa0e6bb7ccb225ca49708c3c9"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"ConsoleAutomationRunsChanged"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"automationRunsChanged"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleRunFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConsoleRunFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AutomationRun"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"flowId"}},{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"correlationId"}},{"kind":"Field","name":{"kind":"Name","value":"input"}},{"kind":"Field","name":{"kind":"Name","value":"output"}},{"kind":"Field","name":{"kind":"Name","value":"error"}},{"kind":"Field","name":{"kind":"Name","value":"providerRunId"}},{"kind":"Field","name":{"kind":"Name","value":"attempts"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"completedAt"}}]}}]} as unknown as DocumentNode<ConsoleAutomationRunsChangedSubscription, ConsoleAutomationRunsChangedSubscriptionVariables>;
export const ConsoleAutomationRunDocument = {"__meta__":{"hash":"08748cddebad963decbcf3eb78efc8f089d2a14933639e6406e89ca44b89b8c8"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleAutomationRun"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"automationRun"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleRunFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConsoleRunFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AutomationRun"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"flowId"}},{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"correlationId"}},{"kind":"Field","name":{"kind":"Name","value":"input"}},{"kind":"Field","name":{"kind":"Name","value":"output"}},{"kind":"Field","name":{"kind":"Name","value":"error"}},{"kind":"Field","name":{"kind":"Name","value":"providerRunId"}},{"kind":"Field","name":{"kind":"Name","value":"attempts"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"completedAt"}}]}}]} as unknown as DocumentNode<ConsoleAutomationRunQuery, ConsoleAutomationRunQueryVariables>;
export const ConsoleAutomationRunUpdatedDocument = {"__meta__":{"hash":"b2700e684a441b3d5e27dcb2e24efbdeeec86c07aea1c1b1bc545347de5e6991"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"ConsoleAutomationRunUpdated"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"automationRunUpdated"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleRunFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConsoleRunFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AutomationRun"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"flowId"}},{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"correlationId"}},{"kind":"Field","name":{"kind":"Name","value":"input"}},{"kind":"Field","name":{"kind":"Name","value":"output"}},{"kind":"Field","name":{"kind":"Name","value":"error"}},{"kind":"Field","name":{"kind":"Name","value":"providerRunId"}},{"kind":"Field","name":{"kind":"Name","value":"attempts"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"completedAt"}}]}}]} as unknown as DocumentNode<ConsoleAutomationRunUpdatedSubscription, ConsoleAutomationRunUpdatedSubscriptionVariables>;
export const ConsoleCreateAutomationRunDocument = {"__meta__":{"hash":"c024a17ee52d13944696ad2fdb873b3c3f554ce2cbea827064d16cd2ab4b5700"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConsoleCreateAutomationRun"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateAutomationRunInput"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"idempotencyKey"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createAutomationRun"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}},{"kind":"Argument","name":{"kind":"Name","value":"idempotencyKey"},"value":{"kind":"Variable","name":{"kind":"Name","value":"idempotencyKey"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<ConsoleCreateAutomationRunMutation, ConsoleCreateAutomationRunMutationVariables>;
export const ConsoleEndpointDeliveryUpdatedDocument = {"__meta__":{"hash":"ffebf0c112be0f4795bde6975a6dab1cd10bd0530a953cd910fe2d31622e25ed"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"ConsoleEndpointDeliveryUpdated"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"endpointId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"webhookDeliveryUpdated"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"endpointId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"endpointId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleEndpointDelivery"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConsoleEndpointDelivery"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"WebhookDelivery"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"eventId"}},{"kind":"Field","name":{"kind":"Name","value":"eventType"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"attempts"}},{"kind":"Field","name":{"kind":"Name","value":"lastStatusCode"}},{"kind":"Field","name":{"kind":"Name","value":"lastError"}},{"kind":"Field","name":{"kind":"Name","value":"nextAttemptAt"}},{"kind":"Field","name":{"kind":"Name","value":"deliveredAt"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}}]} as unknown as DocumentNode<ConsoleEndpointDeliveryUpdatedSubscription, ConsoleEndpointDeliveryUpdatedSubscriptionVariables>;
export const ConsoleWebhookEndpointDocument = {"__meta__":{"hash":"afb640a274a541fa07b05108d23243a983d9e18499473b34803812919fd66703"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleWebhookEndpoint"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"window"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"StatsWindow"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"webhookEndpoint"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"eventTypes"}},{"kind":"Field","name":{"kind":"Name","value":"enabled"}},{"kind":"Field","name":{"kind":"Name","value":"disabledAt"}},{"kind":"Field","name":{"kind":"Name","value":"disabledReason"}},{"kind":"Field","name":{"kind":"Name","value":"ordering"}},{"kind":"Field","name":{"kind":"Name","value":"maxDeliveriesPerSecond"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"stats"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"window"},"value":{"kind":"Variable","name":{"kind":"Name","value":"window"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleEndpointStats"}}]}},{"kind":"Field","name":{"kind":"Name","value":"deliveries"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"20"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleEndpointDelivery"}}]}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConsoleEndpointStats"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"WebhookEndpointStats"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"attempts"}},{"kind":"Field","name":{"kind":"Name","value":"delivered"}},{"kind":"Field","name":{"kind":"Name","value":"failed"}},{"kind":"Field","name":{"kind":"Name","value":"successRate"}},{"kind":"Field","name":{"kind":"Name","value":"latencyP50Ms"}},{"kind":"Field","name":{"kind":"Name","value":"latencyP95Ms"}},{"kind":"Field","name":{"kind":"Name","value":"pending"}},{"kind":"Field","name":{"kind":"Name","value":"oldestPendingAgeSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"lastSuccessAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastFailureAt"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConsoleEndpointDelivery"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"WebhookDelivery"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"eventId"}},{"kind":"Field","name":{"kind":"Name","value":"eventType"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"attempts"}},{"kind":"Field","name":{"kind":"Name","value":"lastStatusCode"}},{"kind":"Field","name":{"kind":"Name","value":"lastError"}},{"kind":"Field","name":{"kind":"Name","value":"nextAttemptAt"}},{"kind":"Field","name":{"kind":"Name","value":"deliveredAt"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}}]} as unknown as DocumentNode<ConsoleWebhookEndpointQuery, ConsoleWebhookEndpointQueryVariables>;
export const ConsoleWebhookEndpointsDocument = {"__meta__":{"hash":"a57f1ab0119e2c9b4110e790d2682e542426582b75d08c3fd56b61d49ebc7700"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleWebhookEndpoints"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"window"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"StatsWindow"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"webhookEndpoints"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"eventTypes"}},{"kind":"Field","name":{"kind":"Name","value":"enabled"}},{"kind":"Field","name":{"kind":"Name","value":"disabledReason"}},{"kind":"Field","name":{"kind":"Name","value":"disabledAt"}},{"kind":"Field","name":{"kind":"Name","value":"stats"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"window"},"value":{"kind":"Variable","name":{"kind":"Name","value":"window"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleEndpointStats"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConsoleEndpointStats"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"WebhookEndpointStats"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"attempts"}},{"kind":"Field","name":{"kind":"Name","value":"delivered"}},{"kind":"Field","name":{"kind":"Name","value":"failed"}},{"kind":"Field","name":{"kind":"Name","value":"successRate"}},{"kind":"Field","name":{"kind":"Name","value":"latencyP50Ms"}},{"kind":"Field","name":{"kind":"Name","value":"latencyP95Ms"}},{"kind":"Field","name":{"kind":"Name","value":"pending"}},{"kind":"Field","name":{"kind":"Name","value":"oldestPendingAgeSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"lastSuccessAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastFailureAt"}}]}}]} as unknown as DocumentNode<ConsoleWebhookEndpointsQuery, ConsoleWebhookEndpointsQueryVariables>;
export const ConsoleWebhookEventTypesDocument = {"__meta__":{"hash":"ee5255298c58cb8d0260ec78a7ca1ec7c1ac8f839d282eaa5677da5a43426254"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleWebhookEventTypes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"eventTypes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"description"}}]}}]}}]} as unknown as DocumentNode<ConsoleWebhookEventTypesQuery, ConsoleWebhookEventTypesQueryVariables>;
export const ConsoleCreateWebhookEndpointDocument = {"__meta__":{"hash":"bfc40c846a2807938a063e52b728dc6618f5d28a9cf2ead062f6b27d0839d2b8"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConsoleCreateWebhookEndpoint"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateWebhookEndpointInput"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"idempotencyKey"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createWebhookEndpoint"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}},{"kind":"Argument","name":{"kind":"Name","value":"idempotencyKey"},"value":{"kind":"Variable","name":{"kind":"Name","value":"idempotencyKey"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"endpoint"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"url"}}]}},{"kind":"Field","name":{"kind":"Name","value":"secret"}}]}}]}}]} as unknown as DocumentNode<ConsoleCreateWebhookEndpointMutation, ConsoleCreateWebhookEndpointMutationVariables>;
export const ConsoleUpdateWebhookEndpointDocument = {"__meta__":{"hash":"e08be841af9726b026696077b4c99e54f38c1cbf06f5d293f921da12f79a7ac2"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConsoleUpdateWebhookEndpoint"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UpdateWebhookEndpointInput"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"idempotencyKey"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"updateWebhookEndpoint"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}},{"kind":"Argument","name":{"kind":"Name","value":"idempotencyKey"},"value":{"kind":"Variable","name":{"kind":"Name","value":"idempotencyKey"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"enabled"}}]}}]}}]} as unknown as DocumentNode<ConsoleUpdateWebhookEndpointMutation, ConsoleUpdateWebhookEndpointMutationVariables>;
export const ConsoleRotateWebhookEndpointSecretDocument = {"__meta__":{"hash":"2141a1fbaac628957042e7fea3f3eafddedafbb552c1462c9f9c5469a05b7e8a"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConsoleRotateWebhookEndpointSecret"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"idempotencyKey"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"rotateWebhookEndpointSecret"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"idempotencyKey"},"value":{"kind":"Variable","name":{"kind":"Name","value":"idempotencyKey"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"secret"}},{"kind":"Field","name":{"kind":"Name","value":"previousSecretExpiresAt"}}]}}]}}]} as unknown as DocumentNode<ConsoleRotateWebhookEndpointSecretMutation, ConsoleRotateWebhookEndpointSecretMutationVariables>;
export const ConsoleSendTestWebhookDocument = {"__meta__":{"hash":"79350d7e8e14194e84481571e0ae8a3210cae1090fd33e34c0fc484f93251e8d"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConsoleSendTestWebhook"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"idempotencyKey"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"sendTestWebhook"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"idempotencyKey"},"value":{"kind":"Variable","name":{"kind":"Name","value":"idempotencyKey"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleEndpointDelivery"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConsoleEndpointDelivery"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"WebhookDelivery"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"eventId"}},{"kind":"Field","name":{"kind":"Name","value":"eventType"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"attempts"}},{"kind":"Field","name":{"kind":"Name","value":"lastStatusCode"}},{"kind":"Field","name":{"kind":"Name","value":"lastError"}},{"kind":"Field","name":{"kind":"Name","value":"nextAttemptAt"}},{"kind":"Field","name":{"kind":"Name","value":"deliveredAt"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}}]} as unknown as DocumentNode<ConsoleSendTestWebhookMutation, ConsoleSendTestWebhookMutationVariables>;
export const ConsoleDeleteWebhookEndpointDocument = {"__meta__":{"hash":"5c506583f60ab257fb9b6c4f23b41e5ce4b519b20e41e4153b36bfe5eea2219b"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConsoleDeleteWebhookEndpoint"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"idempotencyKey"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deleteWebhookEndpoint"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"idempotencyKey"},"value":{"kind":"Variable","name":{"kind":"Name","value":"idempotencyKey"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<ConsoleDeleteWebhookEndpointMutation, ConsoleDeleteWebhookEndpointMutationVariables>;