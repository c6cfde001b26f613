import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { Provider as UrqlProvider } from "urql";
import { createApiClient } from "../api/client";
import type { Session } from "../api/sessions";
import type { Client as SocketClient } from "graphql-ws";

export const EXPIRED_MESSAGE = "Your session expired. Sign in again to go on.";
export const ENDED_MESSAGE = "Your session is no longer valid (it expired or was revoked). Sign in again to go on.";

interface SessionState {
  session: Session | null;
  /** The WebSocket the live views share (null when signed out). */
  socket: SocketClient | null;
  /** Why the last session ended, shown on the sign-in page. */
  endedBecause: string | null;
  signIn(session: Session): void;
  signOut(reason?: string): void;
}

const SessionContext = createContext<SessionState | null>(null);

export function useSession(): SessionState {
  const state = useContext(SessionContext);
  if (state === null) throw new Error("useSession outside SessionProvider");
  return state;
}

/** The signed-in session, in memory only (a reload signs out): no token in storage or cookies. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | null>(null);
  const [endedBecause, setEndedBecause] = useState<string | null>(null);

  const signOut = useCallback((reason?: string) => {
    setSession(null);
    setEndedBecause(reason ?? null);
  }, []);
  const signIn = useCallback((next: Session) => {
    setEndedBecause(null);
    setSession(next);
  }, []);

  useEffect(() => {
    if (session === null) return undefined;
    const remaining = Date.parse(session.expiresAt) - Date.now();
    const timer = window.setTimeout(() => signOut(EXPIRED_MESSAGE), Math.max(0, remaining));
    return () => window.clearTimeout(timer);
  }, [session, signOut]);

  const api = useMemo(
    () => (session === null ? null : createApiClient(session, () => signOut(ENDED_MESSAGE))),
    [session, signOut],
  );
  useEffect(() => {
    return () => {
      void api?.socket.dispose();
    };
  }, [api]);

  const socket = api?.socket ?? null;
  const state = useMemo(
    () => ({ session, socket, endedBecause, signIn, signOut }),
    [session, socket, endedBecause, signIn, signOut],
  );
  return (
    <SessionContext.Provider value={state}>
      {api === null ? children : <UrqlProvider value={api.client}>{children}</UrqlProvider>}
    </SessionContext.Provider>
  );
}
