export function EndpointsPage() {
  return <h1>Webhook endpoints</h1>;
}
