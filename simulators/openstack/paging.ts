import type { Reply } from '../http';
import { errorReply, type Context } from './wire';

/**
 * Nova's paging: `limit` capped at max_limit, the rows after `marker`, and a `next` link whenever a page
 * is full. `rows` come in listing order; `positionOf` places any id in that order, deleted ones too.
 */
export function page<T extends { id: string }>(
  rows: T[],
  ctx: Context,
  path: string,
  positionOf: (id: string) => number | undefined,
  pageSizeMax: number,
): { rows: T[]; links?: { rel: string; href: string }[] } | Reply {
  const limitText = ctx.query.get('limit');
  const limit = limitText === null ? pageSizeMax : Number(limitText);
  if (!Number.isInteger(limit) || limit < 0) return errorReply('compute', 400, 'limit param must be an integer');
  const effective = Math.min(limit, pageSizeMax);
  const marker = ctx.query.get('marker');
  let selected = rows;
  if (marker !== null) {
    const at = positionOf(marker);
    if (at === undefined) return errorReply('compute', 400, `marker [${marker}] not found`);
    selected = rows.filter((row) => (positionOf(row.id) ?? -Infinity) > at);
  }
  selected = selected.slice(0, effective);
  if (selected.length === 0 || selected.length < effective) return { rows: selected };
  const next = new URLSearchParams(ctx.query);
  next.set('limit', String(effective));
  next.set('marker', selected[selected.length - 1].id);
  return { rows: selected, links: [{ rel: 'next', href: `${ctx.endpoint}${path}?${next.toString()}` }] };
}
