// The permission-<name> inputs: read, validate, and explain a permission the app lacks.
import { quoteValue, UserError } from '../errors.ts'
import { APP_PERMISSIONS, type AppPermissionName } from './permissions.generated.ts'

export type Permissions = Partial<Record<AppPermissionName, string>>

const LEVEL_RANK: Record<string, number> = { none: 0, read: 1, write: 2, admin: 3 }

export function permissionInputName(name: string): string {
  return `permission-${name.replace(/_/g, '-')}`
}

function isPermission(name: string): name is AppPermissionName {
  return Object.hasOwn(APP_PERMISSIONS, name)
}

/**
 * Reads every `permission-<name>` input. Returns undefined when none is set (the token then
 * gets all the installation's permissions). Names are matched with `-` or `_`; an unknown
 * `permission-…` input (the runner passes undeclared inputs on) or a level GitHub does not
 * offer for that permission is a UserError.
 */
export function readPermissionInputs(
  getInput: (name: string) => string,
  env: NodeJS.ProcessEnv = process.env,
): Permissions | undefined {
  const permissions: Permissions = {}
  for (const name of Object.keys(APP_PERMISSIONS) as AppPermissionName[]) {
    const input = permissionInputName(name)
    const value = (getInput(input) || getInput(`permission-${name}`)).trim().toLowerCase()
    if (!value) continue
    const allowed: readonly string[] = APP_PERMISSIONS[name]
    if (!allowed.includes(value)) {
      throw new UserError(
        `${input}: ${quoteValue(value)} is not a level GitHub offers for ${name}; use ${allowed.map((l) => `"${l}"`).join(' or ')} ` +
          '(or leave the input out).',
      )
    }
    permissions[name] = value
  }
  for (const key of Object.keys(env)) {
    const m = /^INPUT_PERMISSION[-_](.+)$/i.exec(key)
    if (!m || !env[key]?.trim()) continue
    const name = (m[1] ?? '').toLowerCase().replace(/-/g, '_')
    if (!isPermission(name)) {
      throw new UserError(
        `Unknown input ${shownInput(m[1] ?? '')}: GitHub has no app permission ${quoteValue(name)}. ` +
          'The permission-<name> inputs are listed in action.yml (e.g. permission-contents, permission-pull-requests).',
      )
    }
  }
  return Object.keys(permissions).length > 0 ? permissions : undefined
}

/** An input's name as the user wrote it, or quoted when it is not a plain name. */
function shownInput(suffix: string): string {
  const input = `permission-${suffix.toLowerCase()}`
  return /^[a-z0-9_-]{1,80}$/.test(input) ? input : quoteValue(input)
}

/** Requested permissions the installation does not grant at the requested level. */
export function missingPermissions(
  requested: Permissions,
  granted: Record<string, string | undefined>,
): { name: string; requested: string; granted: string }[] {
  return Object.entries(requested)
    .filter(([name, level]) => (LEVEL_RANK[granted[name] ?? 'none'] ?? 0) < (LEVEL_RANK[level ?? 'none'] ?? 0))
    .map(([name, level]) => ({ name, requested: level ?? '', granted: granted[name] ?? 'none' }))
}

export function formatPermissions(p: Record<string, string | undefined>): string {
  return Object.entries(p)
    .map(([name, level]) => `${name}: ${level}`)
    .join(', ')
}

/**
 * What a check command's token may do unless permission-* inputs say otherwise: write check runs,
 * and what its store and command need. step (queued, building, built, conclude, rerequested):
 * list the cache's entries (store cache); mirror: read the run's jobs; reconcile: list, read and
 * delete fragments across runs (every store but file:).
 */
export function defaultPermissions(command: 'step' | 'mirror' | 'reconcile', store: string): Permissions {
  const kind = store.trim().toLowerCase()
  switch (command) {
    case 'step':
      return { checks: 'write', ...(kind === 'cache' ? { actions: 'read' } : {}) }
    case 'mirror':
      return { checks: 'write', actions: 'read' }
    case 'reconcile':
      return { checks: 'write', ...(kind.startsWith('file:') ? {} : { actions: 'write' }) }
  }
}

/** The app inputs with `defaultPermissions` when no permission-* input was given. */
export function withDefaultPermissions<T extends { permissions?: Permissions }>(given: T, command: 'step' | 'mirror' | 'reconcile', store: string): T {
  return given.permissions ? given : { ...given, permissions: defaultPermissions(command, store) }
}
