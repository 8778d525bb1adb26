import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { OpenStackError } from './errors';
import { Secret } from './secret';

/**
 * OpenStack credentials the way the `openstack` CLI finds them: a `clouds.yaml` entry chosen by OS_CLOUD
 * (with `secure.yaml` beside it merged in), or else the OS_* variables of an openrc file.
 */

export type OpenStackInterface = 'public' | 'internal' | 'admin';

/** A user or project: by id, or by name within a domain (given by id or name). */
export interface ScopedName {
  id?: string;
  name?: string;
  domainId?: string;
  domainName?: string;
}

interface CommonCredentials {
  /** As configured: the identity root or its `/v3`; the session accepts both. */
  authUrl: string;
  region?: string;
  interface: OpenStackInterface;
  /** Where these came from, for messages: `environment` or `clouds.yaml cloud "x" (/path)`. */
  source: string;
}

export interface PasswordCredentials extends CommonCredentials {
  authType: 'password';
  user: ScopedName;
  password: Secret;
  project: ScopedName;
}

export interface ApplicationCredentials extends CommonCredentials {
  authType: 'v3applicationcredential';
  /** By id, or by name with its owner. The project is the credential's own. */
  applicationCredential: { id?: string; name?: string; user?: ScopedName };
  secret: Secret;
}

export type OpenStackCredentials = PasswordCredentials | ApplicationCredentials;

export interface CredentialSources {
  env: Record<string, string | undefined>;
  /** The file's text, or undefined when there is no such file. Defaults to the real file system. */
  readFile?: (path: string) => string | undefined;
  cwd?: string;
  homeDir?: string;
}

/** From clouds.yaml when OS_CLOUD is set, from the OS_* variables otherwise. */
export function loadCredentials(sources: CredentialSources): OpenStackCredentials {
  const cloud = nonEmpty(sources.env.OS_CLOUD);
  return cloud ? credentialsFromCloudsYaml(cloud, sources) : credentialsFromEnv(sources.env);
}

/** The auth settings under their clouds.yaml names; the OS_* variables map onto them. */
type Settings = Partial<Record<SettingName, string>>;
type SettingName = (typeof SETTINGS)[number];
const SETTINGS = [
  'auth_url',
  'username',
  'user_id',
  'password',
  'project_name',
  'project_id',
  'user_domain_name',
  'user_domain_id',
  'project_domain_name',
  'project_domain_id',
  'domain_name',
  'domain_id',
  'default_domain',
  'application_credential_id',
  'application_credential_name',
  'application_credential_secret',
] as const;
const SECRET_SETTINGS: SettingName[] = ['password', 'application_credential_secret'];

/** Legacy v2 names (OS_TENANT_*) are accepted as the project. */
const ENV_ALIASES: Partial<Record<SettingName, string[]>> = {
  project_name: ['OS_PROJECT_NAME', 'OS_TENANT_NAME'],
  project_id: ['OS_PROJECT_ID', 'OS_TENANT_ID'],
};

export function credentialsFromEnv(env: Record<string, string | undefined>): OpenStackCredentials {
  const settings: Settings = {};
  const envName = (setting: SettingName) => ENV_ALIASES[setting] ?? [`OS_${setting.toUpperCase()}`];
  for (const setting of SETTINGS) {
    const value = envName(setting)
      .map((name) => clean(setting, env[name]))
      .find((v) => v !== undefined);
    if (value !== undefined) settings[setting] = value;
  }
  if (!settings.auth_url) {
    throw configError('environment', 'neither OS_CLOUD nor OS_AUTH_URL is set');
  }
  return build(
    settings,
    { authType: env.OS_AUTH_TYPE, region: env.OS_REGION_NAME, interface: env.OS_INTERFACE ?? env.OS_ENDPOINT_TYPE },
    { source: 'environment', field: (setting) => envName(setting).join(' or ') },
  );
}

/** One entry of clouds.yaml, found on the standard search path; secrets may come from secure.yaml or OS_*. */
export function credentialsFromCloudsYaml(cloud: string, sources: CredentialSources): OpenStackCredentials {
  const readFile = sources.readFile ?? readIfExists;
  const candidates = cloudsYamlPaths(sources);
  const found = candidates
    .map((path) => ({ path, text: readFile(path) }))
    .find((file): file is { path: string; text: string } => file.text !== undefined);
  if (!found) {
    throw configError(`OS_CLOUD=${cloud}`, `no clouds.yaml found (looked in ${candidates.join(', ')})`);
  }
  const source = `clouds.yaml cloud "${cloud}" (${found.path})`;
  const entry = cloudEntry(parseYamlFile(found.text, found.path), cloud, found.path);
  const securePath = nonEmpty(sources.env.OS_CLIENT_SECURE_FILE) ?? join(dirname(found.path), 'secure.yaml');
  const secureText = readFile(securePath);
  const merged =
    secureText === undefined ? entry : deepMerge(entry, cloudEntry(parseYamlFile(secureText, securePath), cloud));

  const auth = asRecord(merged.auth) ?? {};
  const settings: Settings = {};
  for (const setting of SETTINGS) {
    const value = auth[setting];
    const text = typeof value === 'string' || typeof value === 'number' ? clean(setting, String(value)) : undefined;
    if (text !== undefined) settings[setting] = text;
  }
  // A clouds.yaml kept in a config map often leaves its secret to the environment.
  settings.password ??= clean('password', sources.env.OS_PASSWORD);
  settings.application_credential_secret ??= clean(
    'application_credential_secret',
    sources.env.OS_APPLICATION_CREDENTIAL_SECRET,
  );
  return build(
    settings,
    { authType: scalar(merged.auth_type), region: scalar(merged.region_name), interface: scalar(merged.interface) },
    {
      source,
      field: (setting) =>
        SECRET_SETTINGS.includes(setting) ? `auth.${setting} (or OS_${setting.toUpperCase()})` : `auth.${setting}`,
    },
  );
}

function cloudsYamlPaths({ env, cwd, homeDir }: CredentialSources): string[] {
  const explicit = nonEmpty(env.OS_CLIENT_CONFIG_FILE);
  if (explicit) return [explicit];
  const dirs = [cwd ?? process.cwd(), join(homeDir ?? homedir(), '.config', 'openstack'), '/etc/openstack'];
  return dirs.flatMap((dir) => [join(dir, 'clouds.yaml'), join(dir, 'clouds.yml')]);
}

interface Describe {
  source: string;
  field: (setting: SettingName) => string;
}

function build(
  settings: Settings,
  general: { authType?: string; region?: string; interface?: string },
  describe: Describe,
): OpenStackCredentials {
  const missing = (...names: SettingName[]) =>
    configError(describe.source, `${names.map(describe.field).join(' or ')} is missing`);
  const authUrl = settings.auth_url;
  if (!authUrl) throw missing('auth_url');
  if (!/^https?:\/\/[^/]/.test(authUrl)) {
    throw configError(describe.source, `${describe.field('auth_url')} is not an http(s) URL`);
  }
  const common: CommonCredentials = {
    authUrl,
    region: nonEmpty(general.region),
    interface: parseInterface(general.interface, describe.source),
    source: describe.source,
  };
  // As the openstack CLI: a domain-less name falls back to domain_*, then to the default domain ("default").
  const domainOf = (prefix: 'user' | 'project'): Pick<ScopedName, 'domainId' | 'domainName'> => {
    const pick = (id?: string, name?: string) => (id ? { domainId: id } : name ? { domainName: name } : undefined);
    return (
      pick(settings[`${prefix}_domain_id`], settings[`${prefix}_domain_name`]) ??
      pick(settings.domain_id, settings.domain_name) ?? { domainId: settings.default_domain ?? 'default' }
    );
  };

  const user: ScopedName | undefined = settings.user_id
    ? { id: settings.user_id }
    : settings.username
      ? { name: settings.username, ...domainOf('user') }
      : undefined;

  const authType = parseAuthType(general.authType, describe.source);
  if (authType === 'v3applicationcredential') {
    const secret = settings.application_credential_secret;
    if (!secret) throw missing('application_credential_secret');
    const id = settings.application_credential_id;
    const name = settings.application_credential_name;
    if (!id && !name) throw missing('application_credential_id', 'application_credential_name');
    if (!id && !user) throw missing('user_id', 'username');
    return {
      ...common,
      authType,
      applicationCredential: id ? { id } : { name, user },
      secret: new Secret(secret),
    };
  }
  if (!user) throw missing('user_id', 'username');
  if (!settings.password) throw missing('password');
  const project: ScopedName | undefined = settings.project_id
    ? { id: settings.project_id }
    : settings.project_name
      ? { name: settings.project_name, ...domainOf('project') }
      : undefined;
  // An unscoped token has no catalog, so a project is required.
  if (!project) throw missing('project_id', 'project_name');
  return { ...common, authType, user, password: new Secret(settings.password), project };
}

function parseAuthType(value: string | undefined, source: string): OpenStackCredentials['authType'] {
  const type = nonEmpty(value) ?? 'password';
  if (type === 'password' || type === 'v3password') return 'password';
  if (type === 'v3applicationcredential') return type;
  throw configError(source, `auth type "${type}" is not supported (password, v3password, v3applicationcredential)`);
}

function parseInterface(value: string | undefined, source: string): OpenStackInterface {
  // Old openrc files say publicURL / internalURL.
  const name = (nonEmpty(value) ?? 'public').replace(/URL$/, '');
  if (name === 'public' || name === 'internal' || name === 'admin') return name;
  throw configError(source, `interface "${name}" is not one of public, internal, admin`);
}

function cloudEntry(document: unknown, cloud: string, path?: string): Record<string, unknown> {
  const clouds = asRecord(asRecord(document)?.clouds);
  const entry = asRecord(clouds?.[cloud]);
  if (entry) return entry;
  if (path === undefined) return {};
  const known = clouds ? Object.keys(clouds).join(', ') || 'none' : 'no "clouds" mapping';
  throw configError(`OS_CLOUD=${cloud}`, `cloud "${cloud}" is not in ${path} (clouds: ${known})`);
}

function parseYamlFile(text: string, path: string): unknown {
  try {
    return parseYaml(text);
  } catch {
    // The parser's message quotes the offending line, which may hold a secret.
    throw configError(path, 'the file is not valid YAML');
  }
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const a = asRecord(out[key]);
    const b = asRecord(value);
    out[key] = a && b ? deepMerge(a, b) : value;
  }
  return out;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function scalar(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' ? nonEmpty(String(value)) : undefined;
}

/** Secrets are kept verbatim (a password may end in a space); other settings are trimmed. */
function clean(setting: SettingName, value: string | undefined): string | undefined {
  if (!SECRET_SETTINGS.includes(setting)) return nonEmpty(value);
  return value?.trim() ? value : undefined;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function configError(source: string, problem: string): OpenStackError {
  return new OpenStackError(`OpenStack credentials (${source}): ${problem}`, { kind: 'config', retryable: false });
}
