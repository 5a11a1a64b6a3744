// What the runner's ACTIONS_RUNTIME_TOKEN says about cache access: its `ac` claim lists the cache
// scopes (refs) of this run with Permission bits 1 = read, 2 = write. Read to explain failures
// (read-only tokens, invisible scopes); the token itself is never printed or stored.

export interface CacheScope {
  scope: string
  read: boolean
  write: boolean
}

/** The cache scopes the token grants, or undefined when there is no readable token. */
export function cacheScopes(token = process.env.ACTIONS_RUNTIME_TOKEN): CacheScope[] | undefined {
  if (!token) return undefined
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { ac?: string }
    if (typeof payload.ac !== 'string') return undefined
    const ac = JSON.parse(payload.ac) as { Scope: string; Permission: number }[]
    return ac.map((s) => ({ scope: s.Scope, read: (s.Permission & 1) !== 0, write: (s.Permission & 2) !== 0 }))
  } catch {
    return undefined
  }
}
