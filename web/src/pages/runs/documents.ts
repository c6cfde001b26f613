import { graphql } from "../../gql";

export const RunFields = graphql(`
  fragment ConsoleRunFields on AutomationRun {
    id
    flowId
    provider
    status
    correlationId
    input
    output
    error
    providerRunId
    attempts
    createdAt
    updatedAt
    startedAt
    completedAt
  }
`);

export const RunsQuery = graphql(`
  query ConsoleAutomationRuns($status: AutomationRunStatus, $first: Int!, $after: String) {
    automationRuns(status: $status, first: $first, after: $after) {
      edges {
        node {
          ...ConsoleRunFields
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const RunsChangedSubscription = graphql(`
  subscription ConsoleAutomationRunsChanged {
    automationRunsChanged {
      ...ConsoleRunFields
    }
  }
`);

export const RunQuery = graphql(`
  query ConsoleAutomationRun($id: ID!) {
    automationRun(id: $id) {
      ...ConsoleRunFields
    }
  }
`);

export const RunUpdatedSubscription = graphql(`
  subscription ConsoleAutomationRunUpdated($id: ID!) {
    automationRunUpdated(id: $id) {
      ...ConsoleRunFields
    }
  }
`);

export const CreateRunMutation = graphql(`
  mutation ConsoleCreateAutomationRun($input: CreateAutomationRunInput!, $idempotencyKey: String!) {
    createAutomationRun(input: $input, idempotencyKey: $idempotencyKey) {
      id
    }
  }
`);
