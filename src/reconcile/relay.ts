// What a webhook relay forwards to `command: rerequested` (docs/relay.md): the check_run webhook
// payload itself, or an envelope holding the raw webhook body and its X-Hub-Signature-256
// header. With a webhook secret, only a signed envelope is accepted: GitHub signs the raw body
// with the secret as HMAC-SHA256 (https://docs.github.com/webhooks/using-webhooks/validating-webhook-deliveries),
// and @octokit/webhooks-methods' verify recomputes it and compares in constant time.
import { verify } from '@octokit/webhooks-methods'
import { UserError } from '../errors.ts'

export interface Relayed {
  /** The webhook payload (parsed). */
  payload: unknown
  /** Its signature was checked against the webhook secret. */
  verified: boolean
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** An envelope: { body: "<raw webhook body>", signature?: "sha256=…", … } (and no check_run of its own). */
export function isEnvelope(value: unknown): value is Record<string, unknown> & { body: string } {
  return isObject(value) && typeof value.body === 'string' && !('check_run' in value)
}

const FORMAT = 'see docs/relay.md: client_payload { "body": <the raw webhook body, as a string>, "signature": <its X-Hub-Signature-256 header> }'

/**
 * The payload a relay forwarded. With `secret`, the value must be an envelope whose signature
 * matches its body; the payload is then the body, parsed (nothing outside the body is used).
 */
export async function openRelay(value: unknown, secret: string | undefined): Promise<Relayed> {
  if (!secret) {
    if (!isEnvelope(value)) return { payload: value, verified: false }
    return { payload: parseBody(value.body), verified: false }
  }
  if (!isEnvelope(value)) {
    throw new UserError(`webhook-secret is set, but the forwarded payload is not a signed relay envelope (${FORMAT}): nothing re-run.`)
  }
  const signature = value.signature
  if (typeof signature !== 'string' || signature.trim() === '') {
    throw new UserError(`webhook-secret is set, but the forwarded payload carries no signature (${FORMAT}): nothing re-run.`)
  }
  if (value.body === '' || !(await verify(secret, value.body, signature.trim()))) {
    throw new UserError(
      'The forwarded webhook body does not match its X-Hub-Signature-256 for webhook-secret (the relay must forward the body ' +
        'byte for byte, and webhook-secret must be the app\'s webhook secret): nothing re-run.',
    )
  }
  return { payload: parseBody(value.body), verified: true }
}

function parseBody(body: string): unknown {
  try {
    return JSON.parse(body) as unknown
  } catch {
    throw new UserError(`The relay envelope's body is not JSON (${FORMAT}).`)
  }
}
