import { useEffect, useRef } from "react";
import { useSession } from "../auth/SessionContext";

/** Ask again whenever the live socket (re)connects: changes made while it was down, or before a
 * view's subscription started, reach the page this way; the subscription carries the rest. */
export function useRefetchOnConnect(refetch: () => void): void {
  const { socket } = useSession();
  const latest = useRef(refetch);
  latest.current = refetch;
  useEffect(() => socket?.on("connected", () => latest.current()), [socket]);
}
