import type http from 'node:http';
import { BadRequest, isJsonObject, parseJson, readBody } from '../http';
import { applyFaults, isNonNegativeInteger } from './faults';
import type { JobStatus } from './pressure-model';
import type { PlannerSimulator } from './types';

const MAX_CONTROL_BODY_BYTES = 64 * 1024;
const JOB_STATUSES: JobStatus[] = ['queued', 'in_progress', 'completed'];

/** A control answer: JSON, or nothing (204). */
export type ControlAnswer = { status: number; body?: unknown };

/**
 * `/control/*`, for a test or another process to drive the simulator (no authentication, no faults):
 * - `GET stats`, `GET faults`, `PUT faults` (a patch, all or nothing; null turns a fault off);
 * - `PUT flavors/{name}/pressure` `{"pressure": n}`: the flavor's minimum_pressure;
 * - `PUT flavors/{name}` `{"labels": [...], "minimumPressure": n}`; `DELETE flavors/{name}`;
 * - `POST jobs` `{"id": n, "labels": [...], "createdAt"?: ms}`, answered with the flavor it went to;
 * - `PUT jobs/{id}` `{"status": "in_progress" | "completed" | "queued"}`;
 * - `PUT tokens` `{"tokens": [...]}`: the tokens accepted from now on.
 */
export async function serveControl(
  sim: PlannerSimulator,
  req: http.IncomingMessage,
  path: string[],
): Promise<ControlAnswer> {
  const [resource, name, ...rest] = path;
  const pattern = name !== undefined ? [resource, '{name}', ...rest] : path;
  const read = async () => parseJson(await readBody(req, MAX_CONTROL_BODY_BYTES));
  switch (`${req.method} ${pattern.join('/')}`) {
    case 'GET stats':
      return { status: 200, body: sim.stats };
    case 'GET faults':
      return { status: 200, body: sim.faults };
    case 'PUT faults':
      applyFaults(sim.faults, await read());
      return { status: 200, body: sim.faults };
    case 'PUT flavors/{name}/pressure': {
      const pressure = field(await read(), 'pressure');
      if (!isNonNegativeInteger(pressure)) throw new BadRequest('body must be {"pressure": <non-negative integer>}');
      sim.setPressure(name, pressure);
      return { status: 200, body: { [name]: pressure } };
    }
    case 'PUT flavors/{name}': {
      const body = await read();
      const labels = field(body, 'labels');
      const minimumPressure = field(body, 'minimumPressure');
      if (labels !== undefined && !isLabelList(labels)) throw new BadRequest('labels must be a list of strings');
      if (minimumPressure !== undefined && !isNonNegativeInteger(minimumPressure)) {
        throw new BadRequest('minimumPressure must be a non-negative integer');
      }
      sim.defineFlavor(name, { labels, minimumPressure });
      return { status: 200, body: { [name]: sim.pressure(name) } };
    }
    case 'DELETE flavors/{name}':
      sim.removeFlavor(name);
      return { status: 204 };
    case 'POST jobs': {
      const body = await read();
      const [id, labels, createdAt] = [field(body, 'id'), field(body, 'labels'), field(body, 'createdAt')];
      if (!isNonNegativeInteger(id) || !isLabelList(labels)) {
        throw new BadRequest('body must be {"id": <integer>, "labels": [<string>...], "createdAt"?: <ms>}');
      }
      if (createdAt !== undefined && !isNonNegativeInteger(createdAt)) throw new BadRequest('createdAt must be ms');
      return { status: 201, body: { flavor: sim.queueJob({ id, labels, createdAt }) ?? null } };
    }
    case 'PUT jobs/{name}': {
      if (!/^\d+$/.test(name)) throw new BadRequest(`job id must be an integer, not ${JSON.stringify(name)}`);
      const status = field(await read(), 'status');
      if (!JOB_STATUSES.includes(status as JobStatus)) {
        throw new BadRequest(`status must be one of ${JOB_STATUSES.join(', ')}`);
      }
      sim.setJobStatus(Number(name), status as JobStatus);
      return { status: 204 };
    }
    case 'PUT tokens': {
      const tokens = field(await read(), 'tokens');
      if (!isLabelList(tokens) || tokens.some((token) => token === '')) {
        throw new BadRequest('body must be {"tokens": [<non-empty string>...]}');
      }
      sim.setTokens(tokens);
      return { status: 204 };
    }
    default:
      return { status: 404, body: { error: 'no such control endpoint' } };
  }
}

function field(body: unknown, name: string): unknown {
  if (!isJsonObject(body)) throw new BadRequest('body must be a JSON object');
  return body[name];
}

function isLabelList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}
