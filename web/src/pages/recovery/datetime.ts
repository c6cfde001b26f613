const LOCAL_INPUT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/** The moment a `datetime-local` input's value names in the browser's time zone, as ISO 8601
 * UTC; null when empty or malformed. */
export function localInputToIso(value: string): string | null {
  const match = LOCAL_INPUT.exec(value.trim());
  if (match === null) return null;
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => Number(part ?? 0));
  const date = new Date(year!, month! - 1, day!, hour!, minute!, second!);
  if (date.getMonth() !== month! - 1 || date.getDate() !== day!) return null;
  return date.toISOString();
}

function twoDigits(value: number): string {
  return String(value).padStart(2, "0");
}

/** An ISO 8601 moment as a `datetime-local` input's value in the browser's time zone (seconds
 * only when there are some); "" when it is not a moment. */
export function isoToLocalInput(iso: string | null | undefined): string {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  const day = `${date.getFullYear()}-${twoDigits(date.getMonth() + 1)}-${twoDigits(date.getDate())}`;
  const time = `${twoDigits(date.getHours())}:${twoDigits(date.getMinutes())}`;
  return date.getSeconds() === 0 ? `${day}T${time}` : `${day}T${time}:${twoDigits(date.getSeconds())}`;
}
