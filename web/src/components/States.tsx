import type { CombinedError } from "@urql/core";
import type { ReactNode } from "react";
import { describeRefusal, refusalOfCombined, type Refusal } from "../api/refusal";

export function Loading({ what }: { what: string }) {
  return (
    <p className="loading" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return (
    <p className="empty" role="status">
      {children}
    </p>
  );
}

/** A refusal as an operator should read it: rate limits and cost refusals say what to do. */
export function Problem({ refusal, onRetry }: { refusal: Refusal; onRetry?: (() => void) | undefined }) {
  return (
    <div className={`problem problem-${refusal.kind}`} role="alert">
      <p>{describeRefusal(refusal)}</p>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function ErrorState({ error, onRetry }: { error: CombinedError; onRetry?: () => void }) {
  return <Problem refusal={refusalOfCombined(error)} onRetry={onRetry} />;
}

export function formatTime(value: string | null | undefined): string {
  if (!value) return "—";
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toLocaleString();
}
