// Local GitHub for tests: REST + GraphQL on 127.0.0.1 with GitHub's rules.
//
// Extension point: `emulator.route(method, pattern, handler)` adds REST endpoints (e.g. artifacts, caches).
// - pattern: OpenAPI-style path without the '/api/v3' prefix, e.g. '/repos/{owner}/{repo}/actions/caches';
//   '{name+}' matches several segments. Routes added later win over built-ins of the same specificity.
// - handler(ctx): ctx = { method, path, params, query, body (parsed JSON), rawBody, headers, baseUrl,
//   auth: { kind: 'jwt'|'installation'|'none'|'invalid', installationId?, appId?, permissions?, repositories? },
//   reply(status, json | Buffer | string, headers?), authorize(repo, permission, 'read'|'write') }.
//   Call ctx.reply exactly once; ctx.authorize replies 401/403/404 itself and returns false when access is denied.
// Before a handler runs, the emulator has already: matched the request to its OpenAPI operation (faults match
// its operationId), verified the credentials (401 on a bad JWT/token), validated params/query/body with ajv
// (422 + a `violations` entry), counted primary and secondary rate limits, and it adds the rate-limit headers.
// Access rules: an installation token must cover the repository and hold the permission, else
// 403 "Resource not accessible by integration"; unknown repositories are 404; no credentials 401.
import { liveEmulators } from '../live.ts'
import { Emulator, publicApp } from './server.ts'
import { registerAppRoutes } from './apps.ts'
import { registerCheckRoutes } from './checks-rest.ts'
import { registerGraphql } from './graphql-resolvers.ts'
import type { GitHubEmulator } from './types.ts'
import { templates } from './openapi.ts'
import { githubSchema } from './graphql.ts'
import { registerSecretSource } from '../../secrets-registry.ts'

export type {
  EmulatedApp, EmulatedCheckRun, Fault, FaultKind, GitHubEmulator, Installation, RecordedRequest, RequestAuth,
  RouteContext, RouteHandler, PermissionLevel,
} from './types.ts'

export async function startGitHubEmulator(opts: { clockOffsetSeconds?: number; clock?: { now(): number } } = {}): Promise<GitHubEmulator> {
  const e = new Emulator()
  liveEmulators.add(e)
  if (opts.clock) e.world.time = () => opts.clock!.now()
  e.setClockOffset(opts.clockOffsetSeconds ?? 0)
  // the default world
  e.world.addRepository('octo-org/repo-a', 'Organization')
  e.world.addRepository('octo-org/repo-b', 'Organization')
  e.world.addRepository('octocat/hello-world', 'User')
  e.app = publicApp(e.world.addApp({ slug: 'ci-app', name: 'CI App' }))
  e.world.install(e.app, 'octo-org')
  registerAppRoutes(e)
  registerCheckRoutes(e)
  registerGraphql(e)
  templates() // the OpenAPI digest: ~30 ms from the temp-dir cache, ~1.3 s the first time on a machine
  // for the secret scan (test/setup/secret-scan.ts): tokens issued, JWTs received, the apps' keys
  registerSecretSource(() => ({ values: e.issuedSecrets(), keys: e.world.apps.flatMap((a) => [a.privateKeyPkcs1, a.privateKeyPkcs8]) }))
  await e.listen()
  // Build the GraphQL schema (~0.7 s, once per process) while the test is busy elsewhere, e.g. starting dist/.
  setTimeout(() => githubSchema(), 0).unref()
  return e
}
