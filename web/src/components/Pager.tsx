/** Forward paging of a connection whose cursor is in the URL: back to the first page, or on to
 * the next (`onPage(null)` is the first page). */
export function Pager({
  after,
  pageInfo,
  onPage,
}: {
  after: string | null;
  pageInfo: { hasNextPage: boolean; endCursor?: string | null };
  onPage: (cursor: string | null) => void;
}) {
  return (
    <nav className="pager" aria-label="Pages">
      {after && (
        <button type="button" onClick={() => onPage(null)}>
          First page
        </button>
      )}
      {pageInfo.hasNextPage && (
        <button type="button" onClick={() => onPage(pageInfo.endCursor ?? null)}>
          Next page
        </button>
      )}
    </nav>
  );
}
