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
    "\n  query ConsoleEventTypes {\n    eventTypes {\n      type\n      description\n      schema\n    }\n  }\n": typeof types.ConsoleEventTypesDocument,
    "\n  query ConsoleReport($slug: String!) {\n    report(slug: $slug) {\n      id\n      slug\n      title\n      summary\n      content\n      publishedAt\n      createdAt\n      updatedAt\n    }\n  }\n": typeof types.ConsoleReportDocument,
    "\n  query ConsoleReports($status: ReportStatus!, $first: Int!, $after: String) {\n    reports(status: $status, first: $first, after: $after) {\n      edges {\n        node {\n          id\n          slug\n          title\n          summary\n          publishedAt\n          updatedAt\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.ConsoleReportsDocument,
    "\n  fragment ConsoleRunFields on AutomationRun {\n    id\n    flowId\n    provider\n    status\n    correlationId\n    input\n    output\n    error\n    providerRunId\n    attempts\n    createdAt\n    updatedAt\n    startedAt\n    completedAt\n  }\n": typeof types.ConsoleRunFieldsFragmentDoc,
    "\n  query ConsoleAutomationRuns($status: AutomationRunStatus, $first: Int!, $after: String) {\n    automationRuns(status: $status, first: $first, after: $after) {\n      edges {\n        node {\n          ...ConsoleRunFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.ConsoleAutomationRunsDocument,
    "\n  subscription ConsoleAutomationRunsChanged {\n    automationRunsChanged {\n      ...ConsoleRunFields\n    }\n  }\n": typeof types.ConsoleAutomationRunsChangedDocument,
    "\n  query ConsoleAutomationRun($id: ID!) {\n    automationRun(id: $id) {\n      ...ConsoleRunFields\n    }\n  }\n": typeof types.ConsoleAutomationRunDocument,
    "\n  subscription ConsoleAutomationRunUpdated($id: ID!) {\n    automationRunUpdated(id: $id) {\n      ...ConsoleRunFields\n    }\n  }\n": typeof types.ConsoleAutomationRunUpdatedDocument,
    "\n  mutation ConsoleCreateAutomationRun($input: CreateAutomationRunInput!, $idempotencyKey: String!) {\n    createAutomationRun(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n    }\n  }\n": typeof types.ConsoleCreateAutomationRunDocument,
};
const documents: Documents = {
    "\n  query ConsoleEventTypes {\n    eventTypes {\n      type\n      description\n      schema\n    }\n  }\n": types.ConsoleEventTypesDocument,
    "\n  query ConsoleReport($slug: String!) {\n    report(slug: $slug) {\n      id\n      slug\n      title\n      summary\n      content\n      publishedAt\n      createdAt\n      updatedAt\n    }\n  }\n": types.ConsoleReportDocument,
    "\n  query ConsoleReports($status: ReportStatus!, $first: Int!, $after: String) {\n    reports(status: $status, first: $first, after: $after) {\n      edges {\n        node {\n          id\n          slug\n          title\n          summary\n          publishedAt\n          updatedAt\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.ConsoleReportsDocument,
    "\n  fragment ConsoleRunFields on AutomationRun {\n    id\n    flowId\n    provider\n    status\n    correlationId\n    input\n    output\n    error\n    providerRunId\n    attempts\n    createdAt\n    updatedAt\n    startedAt\n    completedAt\n  }\n": types.ConsoleRunFieldsFragmentDoc,
    "\n  query ConsoleAutomationRuns($status: AutomationRunStatus, $first: Int!, $after: String) {\n    automationRuns(status: $status, first: $first, after: $after) {\n      edges {\n        node {\n          ...ConsoleRunFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.ConsoleAutomationRunsDocument,
    "\n  subscription ConsoleAutomationRunsChanged {\n    automationRunsChanged {\n      ...ConsoleRunFields\n    }\n  }\n": types.ConsoleAutomationRunsChangedDocument,
    "\n  query ConsoleAutomationRun($id: ID!) {\n    automationRun(id: $id) {\n      ...ConsoleRunFields\n    }\n  }\n": types.ConsoleAutomationRunDocument,
    "\n  subscription ConsoleAutomationRunUpdated($id: ID!) {\n    automationRunUpdated(id: $id) {\n      ...ConsoleRunFields\n    }\n  }\n": types.ConsoleAutomationRunUpdatedDocument,
    "\n  mutation ConsoleCreateAutomationRun($input: CreateAutomationRunInput!, $idempotencyKey: String!) {\n    createAutomationRun(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n    }\n  }\n": types.ConsoleCreateAutomationRunDocument,
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
export function graphql(source: "\n  query ConsoleEventTypes {\n    eventTypes {\n      type\n      description\n      schema\n    }\n  }\n"): (typeof documents)["\n  query ConsoleEventTypes {\n    eventTypes {\n      type\n      description\n      schema\n    }\n  }\n"];
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

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;