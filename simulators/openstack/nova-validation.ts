import { isIPv4, isIPv6 } from 'node:net';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { createServerSchema } from './nova-schema';

/**
 * Nova's request body validation (nova/api/validation/validators.py, openstack/nova): the body against the
 * microversion's JSON schema, with Nova's format checks, and the first failure worded as Nova words it:
 * `Invalid input for field/attribute <last path element>. Value: <value>. <jsonschema's message>`, or, for
 * a bad name, InvalidName's own message. Nova answers either as 400 `{"badRequest": {...}}`.
 */

/**
 * Nova's printable characters (parameter_types._build_regex_range): not in a Unicode "other" category, not
 * a line or paragraph separator, and within U+0000..U+FFFE, the range Nova builds its classes from.
 */
const PRINTABLE = '[^\\p{C}\\p{Zl}\\p{Zp}\\u{FFFF}-\\u{10FFFF}]';
const NOT_PRINTABLE_OR_SPACE = '[\\p{C}\\p{Z}\\u{FFFF}-\\u{10FFFF}]';
/**
 * valid_name_regex: printable, not starting or ending with whitespace. Nova tests it with Python's
 * re.search, whose `$` also matches before a final newline: `\n?` keeps that.
 */
const NAME = new RegExp(`^(?!${NOT_PRINTABLE_OR_SPACE})${PRINTABLE}*(?<!${NOT_PRINTABLE_OR_SPACE})\\n?$`, 'u');
const DESCRIPTION = new RegExp(`^${PRINTABLE}*\\n?$`, 'u');
export const INVALID_NAME =
  "An invalid 'name' value was provided. The name must be: printable characters. Can not start or end with whitespace.";

/** oslo_utils.uuidutils.is_uuid_like: 32 hex digits once `urn:`, `uuid:`, outer braces and dashes are gone. */
export const isUuidLike = (value: string) =>
  /^[0-9a-f]{32}$/i.test(
    value
      .replace(/urn:|uuid:/g, '')
      .replace(/^\{+|\}+$/g, '')
      .replace(/-/g, ''),
  );

/**
 * oslo_serialization.base64.decode_as_bytes: Python's non-strict b64decode, which skips characters outside
 * the alphabet and fails only when the data before the padding cannot end there.
 */
const isBase64 = (value: string) => {
  const kept = value.replace(/[^A-Za-z0-9+/=]/g, '');
  const firstPad = kept.indexOf('=');
  const tail = (firstPad < 0 ? kept.length : firstPad) % 4;
  const pads = firstPad < 0 ? 0 : kept.slice(firstPad).length - kept.slice(firstPad).replace(/^=+/, '').length;
  return tail === 0 || (tail === 2 && pads >= 2) || (tail === 3 && pads >= 1);
};

// verbose: each error carries its value and its schema, for Nova's wording.
const ajv = new Ajv({ strict: false, allErrors: false, verbose: true });
ajv.addFormat('name', (value: string) => NAME.test(value));
ajv.addFormat('description', (value: string) => DESCRIPTION.test(value));
ajv.addFormat('uuid', isUuidLike);
ajv.addFormat('base64', isBase64);
ajv.addFormat('ipv4', (value: string) => isIPv4(value));
ajv.addFormat('ipv6', (value: string) => isIPv6(value));

const compiled = new Map<string, ValidateFunction>();

/** Undefined when Nova would accept the body of `POST /servers` at this microversion, else its message. */
export function validateCreateServer(body: unknown, microversion: string): string | undefined {
  let validate = compiled.get(microversion);
  if (!validate) {
    validate = ajv.compile(createServerSchema(microversion));
    compiled.set(microversion, validate);
  }
  if (validate(body)) return undefined;
  // Ajv stops at the first failure; when it lies within a oneOf, the oneOf's own error comes last, and
  // that is the one jsonschema reports (best_match keeps a oneOf whose branches all fail).
  const errors = validate.errors ?? [];
  return novaMessage(errors[errors.length - 1]);
}

function novaMessage(error: ErrorObject | undefined): string {
  if (!error) return 'Invalid input';
  if (error.keyword === 'format' && error.params.format === 'name') return INVALID_NAME;
  const path = error.instancePath.split('/').slice(1).map(unescapePointer);
  const message = jsonschemaMessage(error);
  if (path.length === 0) return message;
  return `Invalid input for field/attribute ${path[path.length - 1]}. Value: ${pythonStr(error.data)}. ${message}`;
}

/** The message Python's jsonschema (4.x) gives for the same failure. */
function jsonschemaMessage(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  const value = pythonRepr(error.data);
  const limit = Number(params.limit);
  switch (error.keyword) {
    case 'type': {
      const types = String(params.type).split(',');
      return `${value} is not of type ${types.map((t) => `'${t}'`).join(', ')}`;
    }
    case 'required':
      return `'${String(params.missingProperty)}' is a required property`;
    case 'additionalProperties': {
      const extra = pythonRepr(params.additionalProperty);
      const patterns = Object.keys((error.parentSchema?.patternProperties ?? {}) as Record<string, unknown>);
      return patterns.length
        ? `${extra} does not match any of the regexes: ${patterns.map(pythonRepr).join(', ')}`
        : `Additional properties are not allowed (${extra} was unexpected)`;
    }
    case 'minLength':
    case 'minItems':
      return `${value} ${limit === 1 ? 'should be non-empty' : 'is too short'}`;
    case 'maxLength':
    case 'maxItems':
      return `${value} ${limit === 0 ? 'is expected to be empty' : 'is too long'}`;
    case 'pattern':
      return `${value} does not match ${pythonRepr(params.pattern)}`;
    case 'format':
      return `${value} is not a ${pythonRepr(params.format)}`;
    case 'enum':
      return `${value} is not one of ${pythonRepr(error.schema)}`;
    case 'minimum':
      return `${value} is less than the minimum of ${limit}`;
    case 'maximum':
      return `${value} is greater than the maximum of ${limit}`;
    case 'uniqueItems':
      return `${value} has non-unique elements`;
    default:
      return `${value} is not valid under any of the given schemas`;
  }
}

function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** How Python's %s prints a value: strings bare, the rest as repr. */
function pythonStr(value: unknown): string {
  return typeof value === 'string' ? value : pythonRepr(value);
}

function pythonRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([k, v]) => `${pythonRepr(k)}: ${pythonRepr(v)}`)
      .join(', ')}}`;
  }
  // A request body is JSON: what is left is a number.
  return (value as number).toString();
}
