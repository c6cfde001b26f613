/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query ConsoleDeliveries($first: Int!, $after: String, $filter: WebhookDeliveryFilter) {\n    webhookDeliveries(first: $first, after: $after, filter: $filter) {\n      edges {\n        node {\n          id\n          endpointId\n          eventType\n          status\n          attempts\n          lastStatusCode\n          resourceId\n          requestId\n          createdAt\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.ConsoleDeliveriesDocument,
    "\n  query ConsoleDeliveryEventTypes {\n    eventTypes {\n      type\n    }\n  }\n": typeof types.ConsoleDeliveryEventTypesDocument,
    "\n  query ConsoleDelivery($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on WebhookDelivery {\n        id\n        endpointId\n        eventId\n        eventType\n        status\n        attempts\n        lastStatusCode\n        lastError\n        nextAttemptAt\n        deliveredAt\n        resourceId\n        requestId\n        createdAt\n        lastResponseExcerpt\n      }\n    }\n  }\n": typeof types.ConsoleDeliveryDocument,
    "\n  subscription ConsoleDeliveryUpdates($endpointId: ID!) {\n    webhookDeliveryUpdated(endpointId: $endpointId) {\n      id\n      status\n      attempts\n    }\n  }\n": typeof types.ConsoleDeliveryUpdatesDocument,
    "\n  mutation ConsoleRetryDelivery($id: ID!, $idempotencyKey: String) {\n    retryWebhookDelivery(id: $id, idempotencyKey: $idempotencyKey) {\n      id\n      status\n    }\n  }\n": typeof types.ConsoleRetryDeliveryDocument,
    "\n  query ConsoleEventTypes {\n    eventTypes {\n      type\n      description\n      schema\n    }\n  }\n": typeof types.ConsoleEventTypesDocument,
    "\n  query ConsoleRecoveryEndpoint($id: ID!) {\n    webhookEndpoint(id: $id) {\n      id\n      url\n    }\n  }\n": typeof types.ConsoleRecoveryEndpointDocument,
    "\n  query ConsoleRecoveryPreview($endpointId: ID!, $input: RecoverWebhookEndpointInput!) {\n    webhookRecoveryPreview(endpointId: $endpointId, input: $input) {\n      count\n      sample\n    }\n  }\n": typeof types.ConsoleRecoveryPreviewDocument,
    "\n  mutation ConsoleRecoverEndpoint($id: ID!, $input: RecoverWebhookEndpointInput!, $idempotencyKey: String) {\n    recoverWebhookEndpoint(id: $id, input: $input, idempotencyKey: $idempotencyKey) {\n      id\n    }\n  }\n": typeof types.ConsoleRecoverEndpointDocument,
    "\n  query ConsoleRecovery($id: ID!) {\n    webhookRecovery(id: $id) {\n      id\n      status\n      total\n      done\n      failed\n      createdAt\n      completedAt\n    }\n  }\n": typeof types.ConsoleRecoveryDocument,
    "\n  query ConsoleReport($slug: String!) {\n    report(slug: $slug) {\n      id\n      slug\n      title\n      summary\n      content\n      publishedAt\n      createdAt\n      updatedAt\n    }\n  }\n": typeof types.ConsoleReportDocument,
    "\n  query ConsoleReports($status: ReportStatus!, $first: Int!, $after: String) {\n    reports(status: $status, first: $first, after: $after) {\n      edges {\n        node {\n          id\n          slug\n          title\n          summary\n          publishedAt\n          updatedAt\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.ConsoleReportsDocument,
    "\n  fragment ConsoleRunFields on AutomationRun {\n    id\n    flowId\n    provider\n    status\n    correlationId\n    input\n    output\n    error\n    providerRunId\n    attempts\n    createdAt\n    updatedAt\n    startedAt\n    completedAt\n  }\n": typeof types.ConsoleRunFieldsFragmentDoc,
    "\n  query ConsoleAutomationRuns($status: AutomationRunStatus, $first: Int!, $after: String) {\n    automationRuns(status: $status, first: $first, after: $after) {\n      edges {\n        node {\n          ...ConsoleRunFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.ConsoleAutomationRunsDocument,
    "\n  subscription ConsoleAutomationRunsChanged {\n    automationRunsChanged {\n      ...ConsoleRunFields\n    }\n  }\n": typeof types.ConsoleAutomationRunsChangedDocument,
    "\n  query ConsoleAutomationRun($id: ID!) {\n    automationRun(id: $id) {\n      ...ConsoleRunFields\n    }\n  }\n": typeof types.ConsoleAutomationRunDocument,
    "\n  subscription ConsoleAutomationRunUpdated($id: ID!) {\n    automationRunUpdated(id: $id) {\n      ...ConsoleRunFields\n    }\n  }\n": typeof types.ConsoleAutomationRunUpdatedDocument,
    "\n  mutation ConsoleCreateAutomationRun($input: CreateAutomationRunInput!, $idempotencyKey: String!) {\n    createAutomationRun(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n    }\n  }\n": typeof types.ConsoleCreateAutomationRunDocument,
    "\n  fragment ConsoleEndpointDelivery on WebhookDelivery {\n    id\n    eventId\n    eventType\n    status\n    attempts\n    lastStatusCode\n    lastError\n    nextAttemptAt\n    deliveredAt\n    createdAt\n  }\n": typeof types.ConsoleEndpointDeliveryFragmentDoc,
    "\n  subscription ConsoleEndpointDeliveryUpdated($endpointId: ID!) {\n    webhookDeliveryUpdated(endpointId: $endpointId) {\n      ...ConsoleEndpointDelivery\n    }\n  }\n": typeof types.ConsoleEndpointDeliveryUpdatedDocument,
    "\n  query ConsoleWebhookEndpoint($id: ID!, $window: StatsWindow!) {\n    webhookEndpoint(id: $id) {\n      id\n      url\n      description\n      eventTypes\n      enabled\n      disabledAt\n      disabledReason\n      ordering\n      maxDeliveriesPerSecond\n      createdAt\n      updatedAt\n      stats(window: $window) {\n        ...ConsoleEndpointStats\n      }\n      deliveries(first: 20) {\n        edges {\n          node {\n            ...ConsoleEndpointDelivery\n          }\n        }\n      }\n    }\n  }\n": typeof types.ConsoleWebhookEndpointDocument,
    "\n  query ConsoleWebhookEndpoints($window: StatsWindow!) {\n    webhookEndpoints {\n      id\n      url\n      description\n      eventTypes\n      enabled\n      disabledReason\n      disabledAt\n      stats(window: $window) {\n        ...ConsoleEndpointStats\n      }\n    }\n  }\n": typeof types.ConsoleWebhookEndpointsDocument,
    "\n  query ConsoleWebhookEventTypes {\n    eventTypes {\n      type\n      description\n    }\n  }\n": typeof types.ConsoleWebhookEventTypesDocument,
    "\n  mutation ConsoleCreateWebhookEndpoint($input: CreateWebhookEndpointInput!, $idempotencyKey: String!) {\n    createWebhookEndpoint(input: $input, idempotencyKey: $idempotencyKey) {\n      endpoint {\n        id\n        url\n      }\n      secret\n    }\n  }\n": typeof types.ConsoleCreateWebhookEndpointDocument,
    "\n  fragment ConsoleEndpointStats on WebhookEndpointStats {\n    attempts\n    delivered\n    failed\n    successRate\n    latencyP50Ms\n    latencyP95Ms\n    pending\n    oldestPendingAgeSeconds\n    lastSuccessAt\n    lastFailureAt\n  }\n": typeof types.ConsoleEndpointStatsFragmentDoc,
    "\n  mutation ConsoleUpdateWebhookEndpoint($id: ID!, $input: UpdateWebhookEndpointInput!, $idempotencyKey: String!) {\n    updateWebhookEndpoint(id: $id, input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      enabled\n    }\n  }\n": typeof types.ConsoleUpdateWebhookEndpointDocument,
    "\n  mutation ConsoleRotateWebhookEndpointSecret($id: ID!, $idempotencyKey: String!) {\n    rotateWebhookEndpointSecret(id: $id, idempotencyKey: $idempotencyKey) {\n      secret\n      previousSecretExpiresAt\n    }\n  }\n": typeof types.ConsoleRotateWebhookEndpointSecretDocument,
    "\n  mutation ConsoleSendTestWebhook($id: ID!, $idempotencyKey: String!) {\n    sendTestWebhook(id: $id, idempotencyKey: $idempotencyKey) {\n      ...ConsoleEndpointDelivery\n    }\n  }\n": typeof types.ConsoleSendTestWebhookDocument,
    "\n  mutation ConsoleDeleteWebhookEndpoint($id: ID!, $idempotencyKey: String!) {\n    deleteWebhookEndpoint(id: $id, idempotencyKey: $idempotencyKey) {\n      id\n    }\n  }\n": typeof types.ConsoleDeleteWebhookEndpointDocument,
};
const documents: Documents = {
    "\n  query ConsoleDeliveries($first: Int!, $after: String, $filter: WebhookDeliveryFilter) {\n    webhookDeliveries(first: $first, after: $after, filter: $filter) {\n      edges {\n        node {\n          id\n          endpointId\n          eventType\n          status\n          attempts\n          lastStatusCode\n          resourceId\n          requestId\n          createdAt\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.ConsoleDeliveriesDocument,
    "\n  query ConsoleDeliveryEventTypes {\n    eventTypes {\n      type\n    }\n  }\n": types.ConsoleDeliveryEventTypesDocument,
    "\n  query ConsoleDelivery($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on WebhookDelivery {\n        id\n        endpointId\n        eventId\n        eventType\n        status\n        attempts\n        lastStatusCode\n        lastError\n        nextAttemptAt\n        deliveredAt\n        resourceId\n        requestId\n        createdAt\n        lastResponseExcerpt\n      }\n    }\n  }\n": types.ConsoleDeliveryDocument,
    "\n  subscription ConsoleDeliveryUpdates($endpointId: ID!) {\n    webhookDeliveryUpdated(endpointId: $endpointId) {\n      id\n      status\n      attempts\n    }\n  }\n": types.ConsoleDeliveryUpdatesDocument,
    "\n  mutation ConsoleRetryDelivery($id: ID!, $idempotencyKey: String) {\n    retryWebhookDelivery(id: $id, idempotencyKey: $idempotencyKey) {\n      id\n      status\n    }\n  }\n": types.ConsoleRetryDeliveryDocument,
    "\n  query ConsoleEventTypes {\n    eventTypes {\n      type\n      description\n      schema\n    }\n  }\n": types.ConsoleEventTypesDocument,
    "\n  query ConsoleRecoveryEndpoint($id: ID!) {\n    webhookEndpoint(id: $id) {\n      id\n      url\n    }\n  }\n": types.ConsoleRecoveryEndpointDocument,
    "\n  query ConsoleRecoveryPreview($endpointId: ID!, $input: RecoverWebhookEndpointInput!) {\n    webhookRecoveryPreview(endpointId: $endpointId, input: $input) {\n      count\n      sample\n    }\n  }\n": types.ConsoleRecoveryPreviewDocument,
    "\n  mutation ConsoleRecoverEndpoint($id: ID!, $input: RecoverWebhookEndpointInput!, $idempotencyKey: String) {\n    recoverWebhookEndpoint(id: $id, input: $input, idempotencyKey: $idempotencyKey) {\n      id\n    }\n  }\n": types.ConsoleRecoverEndpointDocument,
    "\n  query ConsoleRecovery($id: ID!) {\n    webhookRecovery(id: $id) {\n      id\n      status\n      total\n      done\n      failed\n      createdAt\n      completedAt\n    }\n  }\n": types.ConsoleRecoveryDocument,
    "\n  query ConsoleReport($slug: String!) {\n    report(slug: $slug) {\n      id\n      slug\n      title\n      summary\n      content\n      publishedAt\n      createdAt\n      updatedAt\n    }\n  }\n": types.ConsoleReportDocument,
    "\n  query ConsoleReports($status: ReportStatus!, $first: Int!, $after: String) {\n    reports(status: $status, first: $first, after: $after) {\n      edges {\n        node {\n          id\n          slug\n          title\n          summary\n          publishedAt\n          updatedAt\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.ConsoleReportsDocument,
    "\n  fragment ConsoleRunFields on AutomationRun {\n    id\n    flowId\n    provider\n    status\n    correlationId\n    input\n    output\n    error\n    providerRunId\n    attempts\n    createdAt\n    updatedAt\n    startedAt\n    completedAt\n  }\n": types.ConsoleRunFieldsFragmentDoc,
    "\n  query ConsoleAutomationRuns($status: AutomationRunStatus, $first: Int!, $after: String) {\n    automationRuns(status: $status, first: $first, after: $after) {\n      edges {\n        node {\n          ...ConsoleRunFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.ConsoleAutomationRunsDocument,
    "\n  subscription ConsoleAutomationRunsChanged {\n    automationRunsChanged {\n      ...ConsoleRunFields\n    }\n  }\n": types.ConsoleAutomationRunsChangedDocument,
    "\n  query ConsoleAutomationRun($id: ID!) {\n    automationRun(id: $id) {\n      ...ConsoleRunFields\n    }\n  }\n": types.ConsoleAutomationRunDocument,
    "\n  subscription ConsoleAutomationRunUpdated($id: ID!) {\n    automationRunUpdated(id: $id) {\n      ...ConsoleRunFields\n    }\n  }\n": types.ConsoleAutomationRunUpdatedDocument,
    "\n  mutation ConsoleCreateAutomationRun($input: CreateAutomationRunInput!, $idempotencyKey: String!) {\n    createAutomationRun(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n    }\n  }\n": types.ConsoleCreateAutomationRunDocument,
    "\n  fragment ConsoleEndpointDelivery on WebhookDelivery {\n    id\n    eventId\n    eventType\n    status\n    attempts\n    lastStatusCode\n    lastError\n    nextAttemptAt\n    deliveredAt\n    createdAt\n  }\n": types.ConsoleEndpointDeliveryFragmentDoc,
    "\n  subscription ConsoleEndpointDeliveryUpdated($endpointId: ID!) {\n    webhookDeliveryUpdated(endpointId: $endpointId) {\n      ...ConsoleEndpointDelivery\n    }\n  }\n": types.ConsoleEndpointDeliveryUpdatedDocument,
    "\n  query ConsoleWebhookEndpoint($id: ID!, $window: StatsWindow!) {\n    webhookEndpoint(id: $id) {\n      id\n      url\n      description\n      eventTypes\n      enabled\n      disabledAt\n      disabledReason\n      ordering\n      maxDeliveriesPerSecond\n      createdAt\n      updatedAt\n      stats(window: $window) {\n        ...ConsoleEndpointStats\n      }\n      deliveries(first: 20) {\n        edges {\n          node {\n            ...ConsoleEndpointDelivery\n          }\n        }\n      }\n    }\n  }\n": types.ConsoleWebhookEndpointDocument,
    "\n  query ConsoleWebhookEndpoints($window: StatsWindow!) {\n    webhookEndpoints {\n      id\n      url\n      description\n      eventTypes\n      enabled\n      disabledReason\n      disabledAt\n      stats(window: $window) {\n        ...ConsoleEndpointStats\n      }\n    }\n  }\n": types.ConsoleWebhookEndpointsDocument,
    "\n  query ConsoleWebhookEventTypes {\n    eventTypes {\n      type\n      description\n    }\n  }\n": types.ConsoleWebhookEventTypesDocument,
    "\n  mutation ConsoleCreateWebhookEndpoint($input: CreateWebhookEndpointInput!, $idempotencyKey: String!) {\n    createWebhookEndpoint(input: $input, idempotencyKey: $idempotencyKey) {\n      endpoint {\n        id\n        url\n      }\n      secret\n    }\n  }\n": types.ConsoleCreateWebhookEndpointDocument,
    "\n  fragment ConsoleEndpointStats on WebhookEndpointStats {\n    attempts\n    delivered\n    failed\n    successRate\n    latencyP50Ms\n    latencyP95Ms\n    pending\n    oldestPendingAgeSeconds\n    lastSuccessAt\n    lastFailureAt\n  }\n": types.ConsoleEndpointStatsFragmentDoc,
    "\n  mutation ConsoleUpdateWebhookEndpoint($id: ID!, $input: UpdateWebhookEndpointInput!, $idempotencyKey: String!) {\n    updateWebhookEndpoint(id: $id, input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      enabled\n    }\n  }\n": types.ConsoleUpdateWebhookEndpointDocument,
    "\n  mutation ConsoleRotateWebhookEndpointSecret($id: ID!, $idempotencyKey: String!) {\n    rotateWebhookEndpointSecret(id: $id, idempotencyKey: $idempotencyKey) {\n      secret\n      previousSecretExpiresAt\n    }\n  }\n": types.ConsoleRotateWebhookEndpointSecretDocument,
    "\n  mutation ConsoleSendTestWebhook($id: ID!, $idempotencyKey: String!) {\n    sendTestWebhook(id: $id, idempotencyKey: $idempotencyKey) {\n      ...ConsoleEndpointDelivery\n    }\n  }\n": types.ConsoleSendTestWebhookDocument,
    "\n  mutation ConsoleDeleteWebhookEndpoint($id: ID!, $idempotencyKey: String!) {\n    deleteWebhookEndpoint(id: $id, idempotencyKey: $idempotencyKey) {\n      id\n    }\n  }\n": types.ConsoleDeleteWebhookEndpointDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleDeliveries($first: Int!, $after: String, $filter: WebhookDeliveryFilter) {\n    webhookDeliveries(first: $first, after: $after, filter: $filter) {\n      edges {\n        node {\n          id\n          endpointId\n          eventType\n          status\n          attempts\n          lastStatusCode\n          resourceId\n          requestId\n          createdAt\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query ConsoleDeliveries($first: Int!, $after: String, $filter: WebhookDeliveryFilter) {\n    webhookDeliveries(first: $first, after: $after, filter: $filter) {\n      edges {\n        node {\n          id\n          endpointId\n          eventType\n          status\n          attempts\n          lastStatusCode\n          resourceId\n          requestId\n          createdAt\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleDeliveryEventTypes {\n    eventTypes {\n      type\n    }\n  }\n"): (typeof documents)["\n  query ConsoleDeliveryEventTypes {\n    eventTypes {\n      type\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleDelivery($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on WebhookDelivery {\n        id\n        endpointId\n        eventId\n        eventType\n        status\n        attempts\n        lastStatusCode\n        lastError\n        nextAttemptAt\n        deliveredAt\n        resourceId\n        requestId\n        createdAt\n        lastResponseExcerpt\n      }\n    }\n  }\n"): (typeof documents)["\n  query ConsoleDelivery($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on WebhookDelivery {\n        id\n        endpointId\n        eventId\n        eventType\n        status\n        attempts\n        lastStatusCode\n        lastError\n        nextAttemptAt\n        deliveredAt\n        resourceId\n        requestId\n        createdAt\n        lastResponseExcerpt\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ConsoleDeliveryUpdates($endpointId: ID!) {\n    webhookDeliveryUpdated(endpointId: $endpointId) {\n      id\n      status\n      attempts\n    }\n  }\n"): (typeof documents)["\n  subscription ConsoleDeliveryUpdates($endpointId: ID!) {\n    webhookDeliveryUpdated(endpointId: $endpointId) {\n      id\n      status\n      attempts\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleRetryDelivery($id: ID!, $idempotencyKey: String) {\n    retryWebhookDelivery(id: $id, idempotencyKey: $idempotencyKey) {\n      id\n      status\n    }\n  }\n"): (typeof documents)["\n  mutation ConsoleRetryDelivery($id: ID!, $idempotencyKey: String) {\n    retryWebhookDelivery(id: $id, idempotencyKey: $idempotencyKey) {\n      id\n      status\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleEventTypes {\n    eventTypes {\n      type\n      description\n      schema\n    }\n  }\n"): (typeof documents)["\n  query ConsoleEventTypes {\n    eventTypes {\n      type\n      description\n      schema\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleRecoveryEndpoint($id: ID!) {\n    webhookEndpoint(id: $id) {\n      id\n      url\n    }\n  }\n"): (typeof documents)["\n  query ConsoleRecoveryEndpoint($id: ID!) {\n    webhookEndpoint(id: $id) {\n      id\n      url\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleRecoveryPreview($endpointId: ID!, $input: RecoverWebhookEndpointInput!) {\n    webhookRecoveryPreview(endpointId: $endpointId, input: $input) {\n      count\n      sample\n    }\n  }\n"): (typeof documents)["\n  query ConsoleRecoveryPreview($endpointId: ID!, $input: RecoverWebhookEndpointInput!) {\n    webhookRecoveryPreview(endpointId: $endpointId, input: $input) {\n      count\n      sample\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleRecoverEndpoint($id: ID!, $input: RecoverWebhookEndpointInput!, $idempotencyKey: String) {\n    recoverWebhookEndpoint(id: $id, input: $input, idempotencyKey: $idempotencyKey) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation ConsoleRecoverEndpoint($id: ID!, $input: RecoverWebhookEndpointInput!, $idempotencyKey: String) {\n    recoverWebhookEndpoint(id: $id, input: $input, idempotencyKey: $idempotencyKey) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleRecovery($id: ID!) {\n    webhookRecovery(id: $id) {\n      id\n      status\n      total\n      done\n      failed\n      createdAt\n      completedAt\n    }\n  }\n"): (typeof documents)["\n  query ConsoleRecovery($id: ID!) {\n    webhookRecovery(id: $id) {\n      id\n      status\n      total\n      done\n      failed\n      createdAt\n      completedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleReport($slug: String!) {\n    report(slug: $slug) {\n      id\n      slug\n      title\n      summary\n      content\n      publishedAt\n      createdAt\n      updatedAt\n    }\n  }\n"): (typeof documents)["\n  query ConsoleReport($slug: String!) {\n    report(slug: $slug) {\n      id\n      slug\n      title\n      summary\n      content\n      publishedAt\n      createdAt\n      updatedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleReports($status: ReportStatus!, $first: Int!, $after: String) {\n    reports(status: $status, first: $first, after: $after) {\n      edges {\n        node {\n          id\n          slug\n          title\n          summary\n          publishedAt\n          updatedAt\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query ConsoleReports($status: ReportStatus!, $first: Int!, $after: String) {\n    reports(status: $status, first: $first, after: $after) {\n      edges {\n        node {\n          id\n          slug\n          title\n          summary\n          publishedAt\n          updatedAt\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ConsoleRunFields on AutomationRun {\n    id\n    flowId\n    provider\n    status\n    correlationId\n    input\n    output\n    error\n    providerRunId\n    attempts\n    createdAt\n    updatedAt\n    startedAt\n    completedAt\n  }\n"): (typeof documents)["\n  fragment ConsoleRunFields on AutomationRun {\n    id\n    flowId\n    provider\n    status\n    correlationId\n    input\n    output\n    error\n    providerRunId\n    attempts\n    createdAt\n    updatedAt\n    startedAt\n    completedAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleAutomationRuns($status: AutomationRunStatus, $first: Int!, $after: String) {\n    automationRuns(status: $status, first: $first, after: $after) {\n      edges {\n        node {\n          ...ConsoleRunFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query ConsoleAutomationRuns($status: AutomationRunStatus, $first: Int!, $after: String) {\n    automationRuns(status: $status, first: $first, after: $after) {\n      edges {\n        node {\n          ...ConsoleRunFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ConsoleAutomationRunsChanged {\n    automationRunsChanged {\n      ...ConsoleRunFields\n    }\n  }\n"): (typeof documents)["\n  subscription ConsoleAutomationRunsChanged {\n    automationRunsChanged {\n      ...ConsoleRunFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleAutomationRun($id: ID!) {\n    automationRun(id: $id) {\n      ...ConsoleRunFields\n    }\n  }\n"): (typeof documents)["\n  query ConsoleAutomationRun($id: ID!) {\n    automationRun(id: $id) {\n      ...ConsoleRunFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ConsoleAutomationRunUpdated($id: ID!) {\n    automationRunUpdated(id: $id) {\n      ...ConsoleRunFields\n    }\n  }\n"): (typeof documents)["\n  subscription ConsoleAutomationRunUpdated($id: ID!) {\n    automationRunUpdated(id: $id) {\n      ...ConsoleRunFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleCreateAutomationRun($input: CreateAutomationRunInput!, $idempotencyKey: String!) {\n    createAutomationRun(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation ConsoleCreateAutomationRun($input: CreateAutomationRunInput!, $idempotencyKey: String!) {\n    createAutomationRun(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ConsoleEndpointDelivery on WebhookDelivery {\n    id\n    eventId\n    eventType\n    status\n    attempts\n    lastStatusCode\n    lastError\n    nextAttemptAt\n    deliveredAt\n    createdAt\n  }\n"): (typeof documents)["\n  fragment ConsoleEndpointDelivery on WebhookDelivery {\n    id\n    eventId\n    eventType\n    status\n    attempts\n    lastStatusCode\n    lastError\n    nextAttemptAt\n    deliveredAt\n    createdAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ConsoleEndpointDeliveryUpdated($endpointId: ID!) {\n    webhookDeliveryUpdated(endpointId: $endpointId) {\n      ...ConsoleEndpointDelivery\n    }\n  }\n"): (typeof documents)["\n  subscription ConsoleEndpointDeliveryUpdated($endpointId: ID!) {\n    webhookDeliveryUpdated(endpointId: $endpointId) {\n      ...ConsoleEndpointDelivery\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleWebhookEndpoint($id: ID!, $window: StatsWindow!) {\n    webhookEndpoint(id: $id) {\n      id\n      url\n      description\n      eventTypes\n      enabled\n      disabledAt\n      disabledReason\n      ordering\n      maxDeliveriesPerSecond\n      createdAt\n      updatedAt\n      stats(window: $window) {\n        ...ConsoleEndpointStats\n      }\n      deliveries(first: 20) {\n        edges {\n          node {\n            ...ConsoleEndpointDelivery\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ConsoleWebhookEndpoint($id: ID!, $window: StatsWindow!) {\n    webhookEndpoint(id: $id) {\n      id\n      url\n      description\n      eventTypes\n      enabled\n      disabledAt\n      disabledReason\n      ordering\n      maxDeliveriesPerSecond\n      createdAt\n      updatedAt\n      stats(window: $window) {\n        ...ConsoleEndpointStats\n      }\n      deliveries(first: 20) {\n        edges {\n          node {\n            ...ConsoleEndpointDelivery\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleWebhookEndpoints($window: StatsWindow!) {\n    webhookEndpoints {\n      id\n      url\n      description\n      eventTypes\n      enabled\n      disabledReason\n      disabledAt\n      stats(window: $window) {\n        ...ConsoleEndpointStats\n      }\n    }\n  }\n"): (typeof documents)["\n  query ConsoleWebhookEndpoints($window: StatsWindow!) {\n    webhookEndpoints {\n      id\n      url\n      description\n      eventTypes\n      enabled\n      disabledReason\n      disabledAt\n      stats(window: $window) {\n        ...ConsoleEndpointStats\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleWebhookEventTypes {\n    eventTypes {\n      type\n      description\n    }\n  }\n"): (typeof documents)["\n  query ConsoleWebhookEventTypes {\n    eventTypes {\n      type\n      description\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleCreateWebhookEndpoint($input: CreateWebhookEndpointInput!, $idempotencyKey: String!) {\n    createWebhookEndpoint(input: $input, idempotencyKey: $idempotencyKey) {\n      endpoint {\n        id\n        url\n      }\n      secret\n    }\n  }\n"): (typeof documents)["\n  mutation ConsoleCreateWebhookEndpoint($input: CreateWebhookEndpointInput!, $idempotencyKey: String!) {\n    createWebhookEndpoint(input: $input, idempotencyKey: $idempotencyKey) {\n      endpoint {\n        id\n        url\n      }\n      secret\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ConsoleEndpointStats on WebhookEndpointStats {\n    attempts\n    delivered\n    failed\n    successRate\n    latencyP50Ms\n    latencyP95Ms\n    pending\n    oldestPendingAgeSeconds\n    lastSuccessAt\n    lastFailureAt\n  }\n"): (typeof documents)["\n  fragment ConsoleEndpointStats on WebhookEndpointStats {\n    attempts\n    delivered\n    failed\n    successRate\n    latencyP50Ms\n    latencyP95Ms\n    pending\n    oldestPendingAgeSeconds\n    lastSuccessAt\n    lastFailureAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleUpdateWebhookEndpoint($id: ID!, $input: UpdateWebhookEndpointInput!, $idempotencyKey: String!) {\n    updateWebhookEndpoint(id: $id, input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      enabled\n    }\n  }\n"): (typeof documents)["\n  mutation ConsoleUpdateWebhookEndpoint($id: ID!, $input: UpdateWebhookEndpointInput!, $idempotencyKey: String!) {\n    updateWebhookEndpoint(id: $id, input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      enabled\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleRotateWebhookEndpointSecret($id: ID!, $idempotencyKey: String!) {\n    rotateWebhookEndpointSecret(id: $id, idempotencyKey: $idempotencyKey) {\n      secret\n      previousSecretExpiresAt\n    }\n  }\n"): (typeof documents)["\n  mutation ConsoleRotateWebhookEndpointSecret($id: ID!, $idempotencyKey: String!) {\n    rotateWebhookEndpointSecret(id: $id, idempotencyKey: $idempotencyKey) {\n      secret\n      previousSecretExpiresAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleSendTestWebhook($id: ID!, $idempotencyKey: String!) {\n    sendTestWebhook(id: $id, idempotencyKey: $idempotencyKey) {\n      ...ConsoleEndpointDelivery\n    }\n  }\n"): (typeof documents)["\n  mutation ConsoleSendTestWebhook($id: ID!, $idempotencyKey: String!) {\n    sendTestWebhook(id: $id, idempotencyKey: $idempotencyKey) {\n      ...ConsoleEndpointDelivery\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleDeleteWebhookEndpoint($id: ID!, $idempotencyKey: String!) {\n    deleteWebhookEndpoint(id: $id, idempotencyKey: $idempotencyKey) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation ConsoleDeleteWebhookEndpoint($id: ID!, $idempotencyKey: String!) {\n    deleteWebhookEndpoint(id: $id, idempotencyKey: $idempotencyKey) {\n      id\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;