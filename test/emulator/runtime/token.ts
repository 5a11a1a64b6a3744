// Runtime tokens shaped as the Actions runner issues them: an unsigned JWT whose `scp` names the
// results-service run and job (`Actions.Results:<run>:<job>`) and whose `ac` claim lists the cache
// scopes the job may read (Permission 1) or read and write (Permission 3).

export interface CacheScope {
  /** A ref, e.g. refs/heads/main or refs/pull/1/merge. */
  Scope: string
  /** Bit 1: read, bit 2: write. */
  Permission: number
}

export interface RuntimeClaims {
  runBackendId: string
  jobBackendId: string
  scopes: CacheScope[]
  exp: number
}

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url')

export function encodeRuntimeToken(c: RuntimeClaims): string {
  const now = Math.floor(Date.now() / 1000)
  const payload = {
    nameid: 'dddddddd-dddd-dddd-dddd-dddddddddddd',
    scp: `Actions.GenericRead:00000000-0000-0000-0000-000000000000 Actions.Results:${c.runBackendId}:${c.jobBackendId}`,
    IdentityTypeClaim: 'System:ServiceIdentity',
    ac: JSON.stringify(c.scopes),
    acsl: '10',
    iss: 'vstoken.actions.githubusercontent.com',
    aud: 'vstoken.actions.githubusercontent.com',
    iat: now,
    nbf: now,
    exp: c.exp,
  }
  return `${b64({ typ: 'JWT', alg: 'none' })}.${b64(payload)}.`
}

/** Reads a token's claims the way the results service does; undefined if malformed. */
export function decodeRuntimeToken(token: string): RuntimeClaims | undefined {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'))
    const results = String(payload.scp ?? '')
      .split(' ')
      .map((s) => s.split(':'))
      .find((p) => p[0] === 'Actions.Results' && p.length === 3)
    if (!results) return undefined
    const scopes = payload.ac ? (JSON.parse(payload.ac) as CacheScope[]) : []
    return { runBackendId: results[1]!, jobBackendId: results[2]!, scopes, exp: Number(payload.exp) }
  } catch {
    return undefined
  }
}

export const canRead = (s: CacheScope) => (s.Permission & 1) !== 0
export const canWrite = (s: CacheScope) => (s.Permission & 2) !== 0
