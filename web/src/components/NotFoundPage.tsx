import { Link, useParams } from "react-router-dom";

export function NotFoundPage() {
  const { tenant } = useParams();
  return (
    <section aria-labelledby="not-found">
      <h1 id="not-found">Nothing here</h1>
      <p>This address is not a page of the console.</p>
      <p>
        <Link to={tenant ? `/t/${encodeURIComponent(tenant)}/reports` : "/"}>Go to the reports</Link>
      </p>
    </section>
  );
}
