import { NavLink, Navigate, Outlet, useLocation, useParams } from "react-router-dom";
import { useSession } from "../auth/SessionContext";

const SECTIONS = [
  ["reports", "Reports"],
  ["runs", "Automation runs"],
  ["webhooks", "Webhook endpoints"],
  ["deliveries", "Deliveries"],
  ["events", "Event catalog"],
] as const;

/** The signed-in frame: navigation, the tenant, sign-out. Without a session for this URL's
 * tenant, the sign-in page, which comes back here afterwards. */
export function Layout() {
  const { session, signOut } = useSession();
  const { tenant = "" } = useParams();
  const location = useLocation();
  if (session === null || session.tenant !== tenant) {
    const next = encodeURIComponent(location.pathname + location.search + location.hash);
    return <Navigate to={`/?tenant=${encodeURIComponent(tenant)}&next=${next}`} replace />;
  }
  const base = `/t/${encodeURIComponent(tenant)}`;
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">AetherFlow</span>
        <span className="tenant" title="Tenant">
          {tenant}
        </span>
        <nav aria-label="Sections">
          <ul>
            {SECTIONS.map(([path, label]) => (
              <li key={path}>
                <NavLink to={`${base}/${path}`}>{label}</NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <button type="button" className="sign-out" onClick={() => signOut("You signed out.")}>
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}

/** The path of a page of this tenant's console. */
export function useTenantPath(): (path: string) => string {
  const { tenant = "" } = useParams();
  return (path) => `/t/${encodeURIComponent(tenant)}/${path.replace(/^\//, "")}`;
}
