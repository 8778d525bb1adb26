import { randomBytes } from 'node:crypto';
import type { Reply } from '../../http';
import { catalog } from '../catalog';
import { hexId } from '../identity';
import type { SimState } from '../state';
import { errorReply, unauthorized, type Context, type Route } from '../wire';

/**
 * Keystone: its version discovery, `POST /v3/auth/tokens` trading a password or an application credential
 * for a project-scoped token, and `DELETE /v3/auth/tokens` revoking one.
 */

/**
 * The v3 version as keystone/api/discovery.py (openstack/keystone) describes it: `v3.14`, its self link
 * `<identity root>/v3/` (ks_flask.base_url() ends in `/v3`).
 */
function v3Version(ctx: Context) {
  return {
    id: 'v3.14',
    status: 'stable',
    updated: '2020-04-07T00:00:00Z',
    links: [{ rel: 'self', href: `${ctx.endpoint}/v3/` }],
    'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.identity-v3+json' }],
  };
}

function issueToken(state: SimState, ctx: Context): Reply {
  const { tokenTtlMs } = state;
  const issued = state.identity.authenticate(ctx.body, tokenTtlMs);
  if (!issued) {
    state.stats.unauthorized += 1;
    return unauthorized(ctx.endpoint);
  }
  state.stats.tokensIssued += 1;
  const { user, project, expiresAt } = issued.info;
  return {
    status: 201,
    headers: { 'X-Subject-Token': issued.token },
    body: {
      token: {
        methods: issued.methods,
        user: { id: user.id, name: user.name, domain: user.domain, password_expires_at: null },
        audit_ids: [randomBytes(16).toString('base64url')],
        expires_at: new Date(expiresAt).toISOString(),
        issued_at: new Date(expiresAt - tokenTtlMs).toISOString(),
        project: { id: project.id, name: project.name, domain: project.domain },
        is_domain: false,
        roles: [{ id: hexId(), name: 'member' }],
        catalog: catalog(state.baseUrl, state.layout, project.id),
      },
    },
  };
}

/** Keystone revokes the X-Subject-Token; the caller authenticates with its own X-Auth-Token (checked before). */
function revokeToken(state: SimState, ctx: Context): Reply {
  const subject = ctx.headers['x-subject-token'];
  if (typeof subject !== 'string' || !state.identity.revoke(subject)) {
    return errorReply('identity', 404, `Could not find token: ${String(subject)}.`);
  }
  return { status: 204 };
}

export function identityRoutes(state: SimState): Route[] {
  return [
    {
      service: 'identity',
      method: 'GET',
      pattern: /^\/?$/,
      route: '/',
      public: true,
      // 300 Multiple Choices with the preferred version in Location, as get_versions() answers.
      handle: (ctx) => {
        const version = v3Version(ctx);
        return {
          status: 300,
          headers: { Location: version.links[0].href },
          body: { versions: { values: [version] } },
        };
      },
    },
    {
      service: 'identity',
      method: 'GET',
      pattern: /^\/v3\/?$/,
      route: '/v3',
      public: true,
      handle: (ctx) => ({ status: 200, body: { version: v3Version(ctx) } }),
    },
    {
      service: 'identity',
      method: 'POST',
      pattern: /^\/v3\/auth\/tokens$/,
      route: '/v3/auth/tokens',
      public: true,
      handle: (ctx) => issueToken(state, ctx),
    },
    {
      service: 'identity',
      method: 'DELETE',
      pattern: /^\/v3\/auth\/tokens$/,
      route: '/v3/auth/tokens',
      handle: (ctx) => revokeToken(state, ctx),
    },
  ];
}
