import { useState } from "react";

type CopyState = "idle" | "copied" | "failed";

/** A signing secret shown once, with a button that copies it. It lives in the caller's state
 * only: leaving the view forgets it. */
export function SecretBox({ secret, heading, children }: { secret: string; heading: string; children?: React.ReactNode }) {
  const [copy, setCopy] = useState<CopyState>("idle");

  async function copySecret() {
    try {
      await navigator.clipboard.writeText(secret);
      setCopy("copied");
    } catch {
      setCopy("failed");
    }
  }

  return (
    <section className="secret" aria-label={heading}>
      <h2>{heading}</h2>
      <p>
        <strong>Copy it now: it is shown this once and cannot be read again.</strong>
      </p>
      <p>
        <code data-testid="signing-secret">{secret}</code>
      </p>
      <p className="actions">
        <button type="button" onClick={() => void copySecret()}>
          Copy secret
        </button>
        <span role="status" aria-live="polite">
          {copy === "copied" ? "Copied" : copy === "failed" ? "Could not copy: select the secret and copy it by hand." : ""}
        </span>
      </p>
      {children}
    </section>
  );
}
