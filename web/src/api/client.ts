import { Client, fetchExchange, mapExchange, subscriptionExchange } from "@urql/core";
import { persistedExchange } from "@urql/exchange-persisted";
import { createClient as createSocketClient, type Client as SocketClient } from "graphql-ws";
import type { Session } from "./sessions";
import { graphqlUrl, websocketUrl } from "./config";
import { refusalOfCombined } from "./refusal";
import manifest from "../gql/persisted-documents.json";

const TRUSTED: Record<string, string> = manifest;

interface HashedDocument {
  __meta__?: { hash?: string };
}

/** The build-time sha256 codegen put on a document (its key in persisted-documents.json). */
export function documentHash(document: unknown): string | null {
  return (document as HashedDocument).__meta__?.hash ?? null;
}

/** Queries and mutations are sent by their build-time sha256 alone (APQ), never as text: the
 * API trusts the build's manifest (GRAPHQL_TRUSTED_DOCUMENTS, docs/CONSOLE.md). Subscriptions
 * go over graphql-ws with the manifest's exact text, which the API trusts by its hash. There is
 * no document cache: every view asks the API, and a live view subscribes. A refusal as
 * unauthenticated (expired, revoked) ends the session. */
export function createApiClient(session: Session, onUnauthenticated: () => void): { client: Client; socket: SocketClient } {
  const authorization = `Bearer ${session.token}`;
  const socket = createSocketClient({
    url: websocketUrl(session.tenant),
    connectionParams: { authorization },
    lazy: true,
    retryAttempts: 5,
    shouldRetry: (event) => !(event instanceof CloseEvent && event.code === 4403),
    on: {
      closed: (event) => {
        if (event instanceof CloseEvent && event.code === 4403) onUnauthenticated();
      },
    },
  });
  const client = new Client({
    url: graphqlUrl(session.tenant),
    requestPolicy: "network-only",
    fetchOptions: () => ({ headers: { authorization } }),
    exchanges: [
      mapExchange({
        onError(error) {
          if (refusalOfCombined(error).kind === "unauthenticated") onUnauthenticated();
        },
      }),
      persistedExchange({
        enableForMutation: true,
        enforcePersistedQueries: true,
        generateHash: async (_query, document) => documentHash(document),
      }),
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request, operation) {
          const hash = documentHash(operation.query);
          const input = { ...request, query: (hash !== null ? TRUSTED[hash] : undefined) ?? request.query ?? "" };
          return {
            subscribe(sink) {
              const dispose = socket.subscribe(input, sink);
              return { unsubscribe: dispose };
            },
          };
        },
      }),
    ],
  });
  return { client, socket };
}
