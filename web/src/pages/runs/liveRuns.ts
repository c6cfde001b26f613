import type { AutomationRunStatus } from "../../gql/graphql";

interface RunRow {
  id: string;
  status: AutomationRunStatus;
  createdAt: string;
}

export interface ListView {
  /** Only runs in this status; null for every run. */
  status: AutomationRunStatus | null;
  /** Whether the list shows the newest runs, where a new run belongs. */
  firstPage: boolean;
  /** Whether the list ends here (no next page), so an older run belongs to it too. */
  lastPage: boolean;
}

/** Negative when `a` comes first: newest first, by createdAt, then id (the API's order). */
function newestFirst(a: RunRow, b: RunRow): number {
  const byTime = Date.parse(b.createdAt) - Date.parse(a.createdAt);
  if (byTime !== 0) return byTime;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/** The rows after a run changed: updated in place; dropped where it no longer matches the status
 * filter; a run new to the list put in its place if that place is on this page (the first page,
 * and before its last row unless no page follows). */
export function applyRunChange<Run extends RunRow>(rows: readonly Run[], run: Run, view: ListView): Run[] {
  const matches = view.status === null || run.status === view.status;
  const index = rows.findIndex((row) => row.id === run.id);
  if (index !== -1) {
    return matches ? rows.map((row, at) => (at === index ? run : row)) : rows.filter((row) => row.id !== run.id);
  }
  const last = rows[rows.length - 1];
  const onThisPage = view.firstPage && (view.lastPage || last === undefined || newestFirst(run, last) < 0);
  if (!matches || !onThisPage) return [...rows];
  const at = rows.findIndex((row) => newestFirst(run, row) < 0);
  return at === -1 ? [...rows, run] : [...rows.slice(0, at), run, ...rows.slice(at)];
}
