export function RunsPage() {
  return <h1>Automation runs</h1>;
}
