import { randomBytes } from 'node:crypto';
import type { Reply } from '../../http';
import { catalog } from '../catalog';
import { hexId } from '../identity';
import type { SimState } from '../state';
import { errorReply, type Context, type Route } from '../wire';

/** Keystone: `POST /v3/auth/tokens` trades a password or an application credential for a scoped token. */

function issueToken(state: SimState, ctx: Context): Reply {
  const { tokenTtlMs } = state;
  const issued = state.identity.authenticate(ctx.body, tokenTtlMs);
  if (!issued) {
    state.stats.unauthorized += 1;
    return errorReply('identity', 401, 'The request you have made requires authentication.');
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
        catalog: catalog(state.baseUrl),
      },
    },
  };
}

export function identityRoutes(state: SimState): Route[] {
  return [
    {
      service: 'identity',
      method: 'POST',
      pattern: /^\/v3\/auth\/tokens$/,
      route: '/v3/auth/tokens',
      public: true,
      handle: (ctx) => issueToken(state, ctx),
    },
  ];
}
