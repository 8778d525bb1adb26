/**
 * The JSON text of a delivery, as its webhook's content type carries it. GitHub offers two, and `form` is
 * the default of a new webhook (the REST API's webhook config: "Supported values include `json` and
 * `form`. The default is `form`."): `application/x-www-form-urlencoded` with the JSON in a form field
 * named `payload`, or `application/json` with the JSON as the body. Either way the signature covers the
 * raw body as sent, so this reads the verified bytes. Another media type is a 415, a form without its
 * field a 400.
 */
export type Payload = { kind: 'json'; text: string } | { kind: 'refused'; status: 400 | 415; reason: string };

export function payloadOf(contentType: string | undefined, body: string): Payload {
  const mediaType = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (mediaType === 'application/json') return { kind: 'json', text: body };
  if (mediaType === 'application/x-www-form-urlencoded') {
    const payload = new URLSearchParams(body).get('payload');
    if (payload === null) return { kind: 'refused', status: 400, reason: 'the form has no payload field' };
    return { kind: 'json', text: payload };
  }
  const named = mediaType ? `content type ${mediaType.slice(0, 64)}` : 'no content type';
  return {
    kind: 'refused',
    status: 415,
    reason: `${named}: a webhook's is application/json or application/x-www-form-urlencoded`,
  };
}
