import { useId, useState, type FormEvent } from "react";
import { useNavigate } from "react-router-dom";
import { useMutation } from "urql";
import { useTenantPath } from "../../components/Layout";
import { ErrorState } from "../../components/States";
import { CreateRunMutation } from "./documents";
import { parseRunInput } from "./parseRunInput";

const DEFAULT_FLOW = "demo-flow";

/** Starts a run on the built-in sandbox provider, then opens the run. */
export function StartRunForm() {
  const path = useTenantPath();
  const navigate = useNavigate();
  const ids = useId();
  const [flowId, setFlowId] = useState(DEFAULT_FLOW);
  const [inputText, setInputText] = useState("");
  const [inputProblem, setInputProblem] = useState<string | null>(null);
  // A refusal of an earlier attempt is stale once this attempt fails in the browser.
  const [refusalShown, setRefusalShown] = useState(true);
  const [result, createRun] = useMutation(CreateRunMutation);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = parseRunInput(inputText);
    if (!parsed.ok) {
      setInputProblem(parsed.message);
      setRefusalShown(false);
      return;
    }
    setInputProblem(null);
    setRefusalShown(true);
    const created = await createRun({
      input: { flowId: flowId.trim(), input: parsed.value, provider: "sandbox" },
      idempotencyKey: crypto.randomUUID(),
    });
    const id = created.data?.createAutomationRun.id;
    if (id) navigate(path(`runs/${encodeURIComponent(id)}`));
  }

  const problemId = `${ids}-input-problem`;
  return (
    <section aria-labelledby={`${ids}-heading`} className="start-run">
      <h2 id={`${ids}-heading`}>Start a sandbox run</h2>
      <form onSubmit={submit} noValidate>
        <label htmlFor={`${ids}-flow`}>Flow id</label>
        <input
          id={`${ids}-flow`}
          name="flowId"
          required
          pattern="[A-Za-z0-9_\-]{1,100}"
          value={flowId}
          onChange={(event) => setFlowId(event.target.value)}
        />
        <label htmlFor={`${ids}-input`}>Input (a JSON object, optional)</label>
        <textarea
          id={`${ids}-input`}
          name="input"
          rows={4}
          spellCheck={false}
          placeholder='{"name": "Ada"}'
          value={inputText}
          aria-invalid={inputProblem !== null}
          aria-describedby={inputProblem !== null ? problemId : undefined}
          onChange={(event) => setInputText(event.target.value)}
        />
        {inputProblem !== null && (
          <p id={problemId} className="error" role="alert">
            {inputProblem}
          </p>
        )}
        {result.error && refusalShown && <ErrorState error={result.error} />}
        <div className="actions">
          <button type="submit" className="primary" disabled={result.fetching}>
            {result.fetching ? "Starting…" : "Start run"}
          </button>
        </div>
      </form>
    </section>
  );
}
