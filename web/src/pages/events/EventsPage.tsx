export function EventsPage() {
  return <h1>Event catalog</h1>;
}
