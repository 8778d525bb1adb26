import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';

/**
 * Exchanges with GitHub's REST API checked against GitHub's own OpenAPI description (@octokit/openapi:
 * the description GitHub publishes, for api.github.com and for each GitHub Enterprise Server release).
 * Schemas are compiled by Ajv straight from the description (OpenAPI 3.0: JSON Schema plus `nullable`,
 * which Ajv reads), referenced into it by JSON pointer so that its own `$ref`s resolve; the OpenAPI
 * objects around them (responses, parameters, request bodies) are followed here.
 */
export type Description = 'api.github.com' | 'ghes-3.17';

/** One HTTP exchange as the client made it: what went out, and what came back. */
export interface Exchange {
  method: string;
  /** The full URL requested, query included. */
  url: string;
  requestBody?: string;
  status: number;
  headers: Record<string, string>;
  responseBody: string;
}

/** An exchange placed in the description: its operation's "METHOD /template", and what is wrong with it. */
export interface Verdict {
  route: string;
  problems: string[];
}

type Json = Record<string, unknown>;

const escapePointer = (token: string) => encodeURIComponent(token.replace(/~/g, '~0').replace(/\//g, '~1'));

/**
 * Headers every answer carries, as GitHub's REST docs list them ("Checking the status of your rate
 * limit"): integers, and the resource a name. The description declares their schemas once, under
 * components/headers (x-rate-limit-*), which these use.
 */
const rateLimitHeaders = ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-used', 'x-ratelimit-reset'];
/** RFC 8288 as GitHub writes it (the description's own example of `link`): `<url>; rel="next", …`. */
const linkPattern = /^<[^>]+>; rel="(next|prev|first|last)"(, <[^>]+>; rel="(next|prev|first|last)")*$/;

export class OpenApiConformance {
  readonly #ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
  readonly #spec: Json;
  readonly #name: string;
  readonly #validators = new Map<string, ValidateFunction>();
  readonly #routes: { method: string; template: string; pattern: RegExp }[];

  constructor(
    description: Description,
    /** The API's path on its host: '' on api.github.com, '/api/v3' on GHES. */
    private readonly basePath: string,
  ) {
    addFormats(this.#ajv);
    // The two formats of GitHub's own naming in its description: a Unix time, and "owner/name".
    this.#ajv.addFormat('timestamp', {
      type: 'number',
      validate: (value) => Number.isSafeInteger(value) && value >= 0,
    });
    this.#ajv.addFormat('repo.nwo', /^[^/]+\/[^/]+$/);
    this.#name = description;
    // The description alone, not @octokit/openapi's index, which parses every description it ships.
    this.#spec = JSON.parse(
      readFileSync(require.resolve(`@octokit/openapi/generated/${description}.json`), 'utf8'),
    ) as Json;
    allowNullInNullableEnums(this.#spec);
    this.#ajv.addSchema(this.#spec, description);
    const paths = this.#spec.paths as Record<string, Json>;
    this.#routes = Object.entries(paths).flatMap(([template, item]) =>
      Object.keys(item)
        .filter((method) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
        .map((method) => ({
          method: method.toUpperCase(),
          template,
          pattern: new RegExp(`^${template.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`),
        })),
    );
  }

  /** Whether the description has this operation ("POST /orgs/{org}/…"). */
  has(route: string): boolean {
    const [method, template] = route.split(' ');
    return this.#routes.some((candidate) => candidate.method === method && candidate.template === template);
  }

  check(exchange: Exchange): Verdict {
    const url = new URL(exchange.url);
    const path = url.pathname.startsWith(`${this.basePath}/`) ? url.pathname.slice(this.basePath.length) : undefined;
    const candidates = this.#routes.filter(
      (route) => route.method === exchange.method && path !== undefined && route.pattern.test(path),
    );
    // A literal segment beats a parameter (`/runners/generate-jitconfig` is not `/runners/{runner_id}`).
    const [route] = candidates.sort((a, b) => literalLength(b.template) - literalLength(a.template));
    if (!route || path === undefined) {
      return { route: `${exchange.method} ${url.pathname}`, problems: [`no operation of ${this.#name} serves it`] };
    }
    const pointer = `/paths/${escapePointer(route.template)}/${route.method.toLowerCase()}`;
    const problems = [
      ...this.#checkParameters(pointer, route.template, path, url.searchParams),
      ...this.#checkRequestBody(pointer, exchange),
      ...this.#checkResponse(pointer, exchange),
    ];
    return { route: `${route.method} ${route.template}`, problems };
  }

  #checkParameters(pointer: string, template: string, path: string, query: URLSearchParams): string[] {
    const problems: string[] = [];
    const declared = ((this.#at(pointer).parameters ?? []) as Json[]).map((parameter, i) =>
      this.#followed(parameter, `${pointer}/parameters/${i}`),
    );
    const names = template.match(/\{[^}]+\}/g)?.map((name) => name.slice(1, -1)) ?? [];
    const values = path.split('/');
    const positions = template.split('/');
    for (const name of names) {
      const value = decodeURIComponent(values[positions.indexOf(`{${name}}`)]);
      const parameter = declared.find(({ value: p }) => p.in === 'path' && p.name === name);
      if (!parameter) problems.push(`path parameter ${name} is not declared`);
      else
        problems.push(...this.#validate(`${parameter.pointer}/schema`, coerce(value, parameter.value), `path ${name}`));
    }
    for (const [name, value] of query) {
      const parameter = declared.find(({ value: p }) => p.in === 'query' && p.name === name);
      if (!parameter) problems.push(`query parameter ${name} is not one the operation takes`);
      else
        problems.push(
          ...this.#validate(`${parameter.pointer}/schema`, coerce(value, parameter.value), `query ${name}`),
        );
    }
    for (const { value: parameter } of declared) {
      if (parameter.in === 'query' && parameter.required && !query.has(String(parameter.name))) {
        problems.push(`required query parameter ${String(parameter.name)} is missing`);
      }
    }
    return problems;
  }

  #checkRequestBody(pointer: string, exchange: Exchange): string[] {
    const operation = this.#at(pointer);
    const sent = exchange.requestBody ?? '';
    if (!operation.requestBody) return sent === '' ? [] : ['the operation takes no request body'];
    const body = this.#followed(operation.requestBody as Json, `${pointer}/requestBody`);
    if (sent === '') return body.value.required ? ['the request body is required'] : [];
    const parsed = parseJson(sent);
    if (parsed === undefined) return ['the request body is not JSON'];
    return this.#validate(`${body.pointer}/content/application~1json/schema`, parsed, 'request body');
  }

  #checkResponse(pointer: string, exchange: Exchange): string[] {
    const responses = this.#at(`${pointer}/responses`);
    const status = String(exchange.status);
    const problems: string[] = [];
    let response: { value: Json; pointer: string } | undefined;
    if (responses[status]) {
      response = this.#followed(responses[status] as Json, `${pointer}/responses/${status}`);
    } else if (exchange.status >= 500 && !exchange.headers['content-type']?.startsWith('application/json')) {
      // GitHub's gateway answers 502 and 504 with an HTML page.
      return problems;
    } else if (exchange.status >= 400) {
      // Any operation may answer an error it does not list (a 404 for a runner gone, 401, 403, 429, 5xx):
      // then the body must still be GitHub's error object.
      response = this.#followed({ $ref: '#/components/responses/not_found' }, '');
    } else {
      problems.push(`status ${status} is not one the operation answers`);
    }
    const mediaType = (exchange.headers['content-type'] ?? '').split(';')[0];
    const content = response?.value.content as Json | undefined;
    if (response && content?.['application/json']) {
      const parsed = parseJson(exchange.responseBody);
      if (mediaType !== 'application/json') problems.push(`content-type is ${mediaType || 'missing'}, not JSON`);
      if (parsed === undefined) problems.push('the response body is not JSON');
      else
        problems.push(
          ...this.#validate(`${response.pointer}/content/application~1json/schema`, parsed, 'response body'),
        );
    } else if (response && !content && exchange.responseBody !== '') {
      problems.push(`status ${status} has no body, but one came`);
    }
    const declaredHeaders = (response?.value.headers ?? {}) as Record<string, Json>;
    for (const [name, header] of Object.entries(declaredHeaders)) {
      const value = exchange.headers[name.toLowerCase()];
      if (value === undefined) continue;
      const followed = this.#followed(header, `${response?.pointer}/headers/${escapePointer(name)}`);
      problems.push(...this.#validate(`${followed.pointer}/schema`, value, `header ${name}`));
    }
    const paginates = Boolean(declaredHeaders.Link) || this.#takesQuery(pointer, 'page');
    problems.push(...this.#checkCommonHeaders(exchange, paginates));
    return problems;
  }

  /** Whether the operation takes this query parameter (`page`: it paginates, whether or not it lists Link). */
  #takesQuery(pointer: string, name: string): boolean {
    const parameters = (this.#at(pointer).parameters ?? []) as Json[];
    return parameters.some((parameter, i) => {
      const { value } = this.#followed(parameter, `${pointer}/parameters/${i}`);
      return value.in === 'query' && value.name === name;
    });
  }

  #checkCommonHeaders(exchange: Exchange, paginates: boolean): string[] {
    const problems: string[] = [];
    const headers = exchange.headers;
    for (const name of rateLimitHeaders) {
      const value = headers[name];
      // x-rate-limit-used has no schema of its own there: it is an integer like the rest.
      const schema = this.#tryAt(`/components/headers/${name.replace('ratelimit', 'rate-limit')}`)
        ? `/components/headers/${name.replace('ratelimit', 'rate-limit')}/schema`
        : '/components/headers/x-rate-limit-limit/schema';
      if (value === undefined) problems.push(`header ${name} is missing`);
      else if (!/^\d+$/.test(value)) problems.push(`header ${name}: ${value} is not an integer`);
      else problems.push(...this.#validate(schema, Number(value), `header ${name}`));
    }
    if (headers['x-ratelimit-resource'] === undefined) problems.push('header x-ratelimit-resource is missing');
    const link = headers.link;
    if (link !== undefined) {
      if (!paginates) problems.push('a Link header on an operation that does not paginate');
      if (!linkPattern.test(link)) problems.push(`header Link is not RFC 8288 as GitHub writes it: ${link}`);
    }
    const retryAfter = headers['retry-after'];
    // GitHub's docs: "the number of seconds" to wait; only rate-limit refusals carry it.
    if (retryAfter !== undefined && (!/^\d+$/.test(retryAfter) || ![403, 429].includes(exchange.status))) {
      problems.push(`header retry-after ${retryAfter} is not whole seconds on a rate-limit refusal`);
    }
    return problems;
  }

  /** A parameter, body, response or header, its `$ref` (one level, as GitHub's description uses them) followed. */
  #followed(object: Json, pointer: string): { value: Json; pointer: string } {
    const ref = object.$ref;
    if (typeof ref !== 'string') return { value: object, pointer };
    const target = ref.slice(1);
    return { value: this.#at(target), pointer: target };
  }

  #tryAt(pointer: string): Json | undefined {
    let node: unknown = this.#spec;
    for (const token of pointer.split('/').slice(1)) {
      const key = decodeURIComponent(token).replace(/~1/g, '/').replace(/~0/g, '~');
      if (typeof node !== 'object' || node === null || !(key in node)) return undefined;
      node = (node as Json)[key];
    }
    return node as Json;
  }

  #at(pointer: string): Json {
    const node = this.#tryAt(pointer);
    if (node === undefined) throw new Error(`${this.#name} has nothing at ${pointer}`);
    return node;
  }

  #validate(schemaPointer: string, value: unknown, what: string): string[] {
    let validator = this.#validators.get(schemaPointer);
    if (!validator) {
      validator = this.#ajv.compile({ $ref: `${this.#name}#${schemaPointer}` });
      this.#validators.set(schemaPointer, validator);
    }
    if (validator(value)) return [];
    return (validator.errors ?? []).map((error) => `${what}${error.instancePath} ${error.message}`);
  }
}

/**
 * `nullable: true` on an `enum` that lists no null: GitHub means null is allowed (a queued job's
 * `conclusion` is null), but Ajv, reading OpenAPI 3.0.3 to the letter, checks the enum first and refuses
 * it. The description's enums are given their null (in this copy of it, parsed for this check).
 */
function allowNullInNullableEnums(node: unknown): void {
  if (Array.isArray(node)) {
    node.forEach(allowNullInNullableEnums);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const schema = node as Json;
  if (schema.nullable === true && Array.isArray(schema.enum) && !schema.enum.includes(null)) schema.enum.push(null);
  Object.values(schema).forEach(allowNullInNullableEnums);
}

function literalLength(template: string): number {
  return template.replace(/\{[^}]+\}/g, '').length;
}

/** Path and query values are text: read as the type their schema says. */
function coerce(value: string, parameter: Json): unknown {
  const type = (parameter.schema as Json | undefined)?.type;
  if ((type === 'integer' || type === 'number') && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  if (type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
