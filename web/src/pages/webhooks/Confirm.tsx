import { useState, type ReactNode } from "react";

/** A button whose action runs only after a second, explicit confirmation in the page. */
export function ConfirmButton({
  label,
  question,
  confirmLabel,
  onConfirm,
  busy,
  danger = true,
}: {
  label: string;
  question: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  busy?: boolean;
  danger?: boolean;
}) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button type="button" className={danger ? "danger" : undefined} disabled={busy} onClick={() => setAsking(true)}>
        {label}
      </button>
    );
  }
  return (
    <div className="confirm" role="group" aria-label={`Confirm: ${label}`}>
      <p>{question}</p>
      <button
        type="button"
        className={danger ? "danger" : "primary"}
        disabled={busy}
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        {confirmLabel}
      </button>
      <button type="button" onClick={() => setAsking(false)}>
        Cancel
      </button>
    </div>
  );
}
