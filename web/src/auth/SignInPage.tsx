import { useEffect, useState, type FormEvent } from "react";
import { Navigate, useLocation, useSearchParams } from "react-router-dom";
import { describeRefusal } from "../api/refusal";
import { SignInRefused, sessionFromFragment, signInWithKey } from "../api/sessions";
import { useSession } from "./SessionContext";

/** Where to go once signed in: the shared URL that sent the operator here, else the reports. */
function destination(next: string | null, tenant: string): string {
  return next !== null && next.startsWith(`/t/${encodeURIComponent(tenant)}/`) ? next : `/t/${encodeURIComponent(tenant)}/reports`;
}

export function SignInPage() {
  const { session, endedBecause, signIn } = useSession();
  const location = useLocation();
  const [params] = useSearchParams();
  const next = params.get("next");
  const [tenant, setTenant] = useState(params.get("tenant") ?? "");
  const [apiKey, setApiKey] = useState("");
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    if (!location.hash) return;
    const linked = sessionFromFragment(location.hash);
    // The token leaves the address bar and the history entry at once.
    window.history.replaceState(null, "", window.location.pathname + window.location.search);
    if (linked === null) setProblem("This console link is malformed: ask for a new one.");
    else if (Date.parse(linked.expiresAt) <= Date.now()) setProblem("This console link has expired: ask for a new one.");
    else signIn(linked);
  }, [location.hash, signIn]);

  if (session !== null) return <Navigate to={destination(next, session.tenant)} replace />;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      const started = await signInWithKey(tenant.trim(), apiKey.trim());
      setApiKey("");
      signIn(started);
    } catch (error) {
      setProblem(error instanceof SignInRefused ? describeRefusal(error.refusal) : "The API could not be reached.");
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="sign-in" id="main">
      <h1>AetherFlow console</h1>
      {endedBecause && (
        <p className="notice" role="status">
          {endedBecause}
        </p>
      )}
      <form onSubmit={(event) => void submit(event)} aria-describedby="sign-in-help">
        <p id="sign-in-help">
          Paste an API key that holds <code>sessions:write</code>. The console exchanges it for a session token and
          keeps only the token, in this tab's memory.
        </p>
        <label htmlFor="tenant">Tenant (slug or id)</label>
        <input id="tenant" name="tenant" autoComplete="off" required value={tenant} onChange={(event) => setTenant(event.target.value)} />
        <label htmlFor="api-key">API key</label>
        <input
          id="api-key"
          name="api-key"
          type="password"
          autoComplete="off"
          required
          value={apiKey}
          onChange={(event) => setApiKey(event.target.value)}
        />
        <button type="submit" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
        {problem && (
          <p className="error" role="alert">
            {problem}
          </p>
        )}
      </form>
    </main>
  );
}
