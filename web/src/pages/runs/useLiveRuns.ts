import { useEffect, useState } from "react";
import { useClient } from "urql";
import type { ConsoleRunFieldsFragment } from "../../gql/graphql";
import { RunsChangedSubscription } from "./documents";
import { applyRunChange, type ListView } from "./liveRuns";

/** The page's runs as the query gave them, then kept current by `automationRunsChanged`. */
export function useLiveRuns(
  queried: readonly ConsoleRunFieldsFragment[] | undefined,
  view: ListView,
): ConsoleRunFieldsFragment[] | undefined {
  const client = useClient();
  const [rows, setRows] = useState<ConsoleRunFieldsFragment[] | undefined>(undefined);
  const { status, firstPage, lastPage } = view;

  useEffect(() => {
    setRows(queried ? [...queried] : undefined);
  }, [queried]);

  useEffect(() => {
    const subscription = client.subscription(RunsChangedSubscription, {}).subscribe((result) => {
      const run = result.data?.automationRunsChanged;
      if (run) setRows((current) => (current ? applyRunChange(current, run, { status, firstPage, lastPage }) : current));
    });
    return () => subscription.unsubscribe();
  }, [client, status, firstPage, lastPage]);

  return rows;
}
