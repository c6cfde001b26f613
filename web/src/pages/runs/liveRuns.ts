import type { AutomationRunStatus } from "../../gql/graphql";

interface RunRow {
  id: string;
  status: AutomationRunStatus;
}

export interface ListView {
  /** Only runs in this status; null for every run. */
  status: AutomationRunStatus | null;
  /** Whether the list shows the newest runs, where a new run belongs. */
  firstPage: boolean;
}

/** The rows after a run changed: updated in place; a run new to the list at the top of the first
 * page; dropped where it no longer matches the status filter. */
export function applyRunChange<Run extends RunRow>(rows: readonly Run[], run: Run, view: ListView): Run[] {
  const matches = view.status === null || run.status === view.status;
  const index = rows.findIndex((row) => row.id === run.id);
  if (index === -1) return matches && view.firstPage ? [run, ...rows] : [...rows];
  if (!matches) return rows.filter((row) => row.id !== run.id);
  return rows.map((row, at) => (at === index ? run : row));
}
