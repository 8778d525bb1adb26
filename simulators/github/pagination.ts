/**
 * GitHub's pagination: `per_page` (default 30, at most 100) and `page`, and a Link header with the `prev`,
 * `next`, `last` and `first` pages there are, as absolute URLs on `baseUrl` (a path prefix included).
 */
export function paginate<T>(items: T[], url: URL, baseUrl: string): { page: T[]; headers: Record<string, string> } {
  const perPage = Math.min(Math.max(Math.floor(Number(url.searchParams.get('per_page') ?? 30)) || 30, 1), 100);
  const page = Math.max(Math.floor(Number(url.searchParams.get('page') ?? 1)) || 1, 1);
  const last = Math.max(Math.ceil(items.length / perPage), 1);
  const link = (n: number, rel: string) => {
    const target = new URL(`${baseUrl}${url.pathname}${url.search}`);
    target.searchParams.set('per_page', String(perPage));
    target.searchParams.set('page', String(n));
    return `<${target.href}>; rel="${rel}"`;
  };
  const links = [
    ...(page > 1 ? [link(page - 1, 'prev')] : []),
    ...(page < last ? [link(page + 1, 'next'), link(last, 'last')] : []),
    ...(page > 1 ? [link(1, 'first')] : []),
  ];
  return {
    page: items.slice((page - 1) * perPage, page * perPage),
    headers: links.length > 0 ? { link: links.join(', ') } : {},
  };
}
