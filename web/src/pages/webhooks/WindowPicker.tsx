import { useSearchParams } from "react-router-dom";
import { WINDOWS, windowOf } from "./format";

/** The stats window, kept in the URL's `window` param. */
export function useStatsWindow() {
  const [params, setParams] = useSearchParams();
  const current = windowOf(params.get("window"));
  function choose(param: string) {
    const next = new URLSearchParams(params);
    next.set("window", param);
    setParams(next, { replace: true });
  }
  return { current, choose };
}

export function WindowPicker({ current, choose }: ReturnType<typeof useStatsWindow>) {
  return (
    <div className="filters" role="group" aria-label="Statistics window">
      {WINDOWS.map((option) => (
        <button
          key={option.param}
          type="button"
          aria-pressed={current.param === option.param}
          onClick={() => choose(option.param)}
        >
          {option.label}
        </button>
      ))}
    </div>
  );
}
