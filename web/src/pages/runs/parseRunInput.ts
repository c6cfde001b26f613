export type ParsedRunInput = { ok: true; value: Record<string, unknown> | null } | { ok: false; message: string };

/** The run's input as typed in the form: empty means none; otherwise a JSON object. */
export function parseRunInput(text: string): ParsedRunInput {
  if (text.trim() === "") return { ok: true, value: null };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, message: `The input is not valid JSON: ${reason}` };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { ok: false, message: 'The input must be a JSON object, such as {"name": "Ada"}.' };
  }
  return { ok: true, value: value as Record<string, unknown> };
}
