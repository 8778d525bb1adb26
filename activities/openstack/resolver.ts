import { OpenStackError, isOpenStackError } from './errors';

/** A GET under a catalog service's API base (`/images` is Glance's `/v2/images`), answering its parsed JSON body. */
export type ServiceGet = (service: string, path: string, query?: Record<string, string | number>) => Promise<unknown>;

type Kind = 'image' | 'flavor' | 'network';

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/**
 * Turns image, flavor and network names (or ids) into ids, once per TTL. Names are cached for a while
 * rather than forever: clouds replace images under the same name, and the old id stops working when the
 * old image is deleted. Concurrent lookups of one name share a request; failures are not cached.
 */
export class NameResolver {
  readonly #get: ServiceGet;
  readonly #ttlMs: number;
  readonly #cache = new Map<string, { at: number; id: Promise<string> }>();

  constructor(get: ServiceGet, ttlMs: number) {
    this.#get = get;
    this.#ttlMs = ttlMs;
  }

  image(ref: string): Promise<string> {
    return this.#cached('image', ref, () =>
      this.#byIdThenName(ref, 'image', `/images/${encodeURIComponent(ref)}`, async () => {
        const body = (await this.#get('image', '/images', { name: ref })) as { images?: unknown };
        return body.images;
      }),
    );
  }

  network(ref: string): Promise<string> {
    return this.#cached('network', ref, () =>
      this.#byIdThenName(ref, 'network', `/networks/${encodeURIComponent(ref)}`, async () => {
        const body = (await this.#get('network', '/networks', { name: ref })) as { networks?: unknown };
        return body.networks;
      }),
    );
  }

  /** Nova cannot filter flavors by name, and flavor ids are free-form: list them all, match id, then name. */
  flavor(ref: string): Promise<string> {
    return this.#cached('flavor', ref, async () => {
      const flavors: Candidate[] = [];
      let marker: string | undefined;
      for (;;) {
        const body = (await this.#get('compute', '/flavors', marker ? { marker } : {})) as {
          flavors?: unknown;
          flavors_links?: { rel?: string }[];
        };
        const page = named(body.flavors, 'flavor');
        flavors.push(...page);
        if (!page.length || !body.flavors_links?.some((link) => link.rel === 'next')) break;
        marker = page[page.length - 1].id;
      }
      const byId = flavors.find((flavor) => flavor.id === ref);
      return byId
        ? byId.id
        : single(
            'flavor',
            ref,
            flavors.filter((flavor) => flavor.name === ref),
          );
    });
  }

  #cached(kind: Kind, ref: string, lookup: () => Promise<string>): Promise<string> {
    const key = `${kind}\n${ref}`;
    const hit = this.#cache.get(key);
    if (hit && Date.now() - hit.at < this.#ttlMs) return hit.id;
    const id = lookup();
    this.#cache.set(key, { at: Date.now(), id });
    id.catch(() => {
      if (this.#cache.get(key)?.id === id) this.#cache.delete(key);
    });
    return id;
  }

  async #byIdThenName(ref: string, kind: Kind, byIdPath: string, byName: () => Promise<unknown>): Promise<string> {
    if (UUID.test(ref)) {
      try {
        const body = (await this.#get(kind, byIdPath)) as Record<string, unknown>;
        // Glance answers the image itself, Neutron wraps it as {"network": {...}}.
        const found = (body[kind] ?? body) as { id?: unknown };
        if (typeof found.id === 'string') return found.id;
      } catch (err) {
        if (!isOpenStackError(err, 'not-found')) throw err;
      }
    }
    return single(kind, ref, named(await byName(), kind));
  }
}

interface Candidate {
  id: string;
  name: string;
  /** What tells one from another: status, created (images), shared (networks). */
  detail: string;
}

/**
 * The one match, or an error. Several matches name every id with what tells them apart (a replaced image
 * is older, a shared network is another project's), so the operator can configure the right id.
 */
function single(kind: Kind, ref: string, matches: Candidate[]): string {
  if (matches.length === 1) return matches[0].id;
  if (matches.length === 0) {
    return fail(`${kind} "${ref}" not found (no such id or name)`, 'not-found');
  }
  const ids = matches.map((match) => (match.detail ? `${match.id} (${match.detail})` : match.id)).join(', ');
  return fail(`${kind} name "${ref}" is ambiguous (ids ${ids}): configure an id`, 'ambiguous');
}

function named(list: unknown, kind: Kind): Candidate[] {
  type Item = Record<string, unknown> & { id: string };
  const isItem = (item: unknown): item is Item => typeof (item as { id?: unknown } | null)?.id === 'string';
  if (!Array.isArray(list) || !(list as unknown[]).every(isItem)) {
    throw new OpenStackError(`the ${kind} list is not in the expected format`, {
      kind: 'invalid-response',
      retryable: true,
    });
  }
  return (list as Item[]).map((item) => ({
    id: item.id,
    name: ['string', 'number', 'boolean'].includes(typeof item.name) ? String(item.name) : '',
    detail: detailOf(item),
  }));
}

function detailOf(item: Record<string, unknown>): string {
  return [
    typeof item.status === 'string' && item.status.toLowerCase(),
    item.shared === true && 'shared',
    typeof item.created_at === 'string' && `created ${item.created_at}`,
  ]
    .filter(Boolean)
    .join(', ');
}

function fail(message: string, kind: 'not-found' | 'ambiguous'): never {
  throw new OpenStackError(message, { kind, retryable: false });
}
