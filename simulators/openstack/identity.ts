import { randomBytes } from 'node:crypto';
import type { SimUser } from './types';

/** Keystone's state: domains, projects, users with their application credentials, and the tokens issued. */

export interface Project {
  id: string;
  name: string;
  domain: Domain;
}
export interface Domain {
  id: string;
  name: string;
}
export interface User {
  id: string;
  name: string;
  password: string;
  domain: Domain;
  project: Project;
  applicationCredentials: { id: string; name: string; secret: string }[];
}
export interface TokenInfo {
  expiresAt: number;
  user: User;
  project: Project;
}

export function hexId(): string {
  return randomBytes(16).toString('hex');
}

export class Identity {
  readonly users: User[] = [];
  readonly #tokens = new Map<string, TokenInfo>();
  readonly #domains = new Map<string, Domain>();
  readonly #projects = new Map<string, Project>();

  constructor(users: SimUser[]) {
    for (const spec of users) {
      const domain = this.#domain(spec.domain ?? 'Default');
      const projectName = spec.project ?? 'runners';
      const projectKey = `${domain.id}/${projectName}`;
      let project = this.#projects.get(projectKey);
      if (!project) {
        project = { id: hexId(), name: projectName, domain };
        this.#projects.set(projectKey, project);
      }
      const applicationCredentials = (spec.applicationCredentials ?? []).map((a) => ({ ...a, id: hexId() }));
      this.users.push({
        id: hexId(),
        name: spec.name,
        password: spec.password,
        domain,
        project,
        applicationCredentials,
      });
    }
  }

  #domain(name: string): Domain {
    let domain = this.#domains.get(name);
    if (!domain) {
      domain = { id: name === 'Default' ? 'default' : hexId(), name };
      this.#domains.set(name, domain);
    }
    return domain;
  }

  validate(token: string | undefined): TokenInfo | undefined {
    const info = token === undefined ? undefined : this.#tokens.get(token);
    return info && info.expiresAt > Date.now() ? info : undefined;
  }

  /** Whether the token was valid until now. */
  revoke(token: string): boolean {
    const valid = this.validate(token) !== undefined;
    this.#tokens.delete(token);
    return valid;
  }

  revokeAll(): void {
    this.#tokens.clear();
  }

  /** The token for a POST /v3/auth/tokens body, or undefined for wrong credentials (401). */
  authenticate(body: unknown, ttlMs: number): { token: string; info: TokenInfo; methods: string[] } | undefined {
    const identity = (body as { auth?: { identity?: Record<string, unknown> } } | undefined)?.auth?.identity;
    const methods = identity?.methods;
    if (!Array.isArray(methods)) return undefined;
    let user: User | undefined;
    let project: Project | undefined;
    if (methods.includes('password')) {
      const spec = (identity?.password as { user?: Record<string, unknown> } | undefined)?.user;
      user = this.#findUser(spec);
      if (!user || typeof spec?.password !== 'string' || spec.password !== user.password) return undefined;
      const scope = (body as { auth: { scope?: { project?: Record<string, unknown> } } }).auth.scope?.project;
      // Each simulated user is a member of exactly its one project.
      if (!scope || !this.#sameProject(scope, user.project)) return undefined;
      project = user.project;
    } else if (methods.includes('application_credential')) {
      const spec = identity?.application_credential as Record<string, unknown> | undefined;
      const owners = spec?.id ? this.users : [this.#findUser(spec?.user as Record<string, unknown>)];
      for (const owner of owners) {
        const credential = owner?.applicationCredentials.find((a) =>
          spec?.id ? a.id === spec.id : a.name === spec?.name,
        );
        if (owner && credential && credential.secret === spec?.secret) {
          user = owner;
          project = owner.project;
        }
      }
    }
    if (!user || !project) return undefined;
    const token = `gAAAAA${randomBytes(48).toString('base64url')}`;
    const info = { expiresAt: Date.now() + ttlMs, user, project };
    this.#pruneExpired();
    this.#tokens.set(token, info);
    return { token, info, methods: methods.filter((m): m is string => typeof m === 'string') };
  }

  #findUser(spec: Record<string, unknown> | undefined): User | undefined {
    if (!spec) return undefined;
    if (typeof spec.id === 'string') return this.users.find((u) => u.id === spec.id);
    const domain = spec.domain as { id?: string; name?: string } | undefined;
    return this.users.find(
      (u) => u.name === spec.name && (u.domain.id === domain?.id || (!domain?.id && u.domain.name === domain?.name)),
    );
  }

  #sameProject(spec: Record<string, unknown>, project: Project): boolean {
    if (typeof spec.id === 'string') return spec.id === project.id;
    const domain = spec.domain as { id?: string; name?: string } | undefined;
    return (
      spec.name === project.name &&
      (project.domain.id === domain?.id || (!domain?.id && project.domain.name === domain?.name))
    );
  }

  #pruneExpired(): void {
    if (this.#tokens.size < 100) return;
    const now = Date.now();
    for (const [token, info] of this.#tokens) if (info.expiresAt <= now) this.#tokens.delete(token);
  }
}
