import { graphql } from "../../gql";

export const UpdateEndpointMutation = graphql(`
  mutation ConsoleUpdateWebhookEndpoint($id: ID!, $input: UpdateWebhookEndpointInput!, $idempotencyKey: String!) {
    updateWebhookEndpoint(id: $id, input: $input, idempotencyKey: $idempotencyKey) {
      id
      enabled
    }
  }
`);

export const RotateSecretMutation = graphql(`
  mutation ConsoleRotateWebhookEndpointSecret($id: ID!, $idempotencyKey: String!) {
    rotateWebhookEndpointSecret(id: $id, idempotencyKey: $idempotencyKey) {
      secret
      previousSecretExpiresAt
    }
  }
`);

export const SendTestMutation = graphql(`
  mutation ConsoleSendTestWebhook($id: ID!, $idempotencyKey: String!) {
    sendTestWebhook(id: $id, idempotencyKey: $idempotencyKey) {
      ...ConsoleEndpointDelivery
    }
  }
`);

export const DeleteEndpointMutation = graphql(`
  mutation ConsoleDeleteWebhookEndpoint($id: ID!, $idempotencyKey: String!) {
    deleteWebhookEndpoint(id: $id, idempotencyKey: $idempotencyKey) {
      id
    }
  }
`);
