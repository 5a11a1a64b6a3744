// Reply validation against GitHub's OpenAPI description (@octokit/openapi): the emulator's
// replies of an operation must match the schema GitHub documents for it, so the code under test
// reads the fields GitHub really sends. Uses the 13 MB description with its $refs (not the
// 73 MB dereferenced one): Ajv resolves only the components an operation's schema names.
import { createRequire } from 'node:module'
import fs from 'node:fs'
import { Ajv, type ValidateFunction } from 'ajv'
import addFormatsModule from 'ajv-formats'

const require = createRequire(import.meta.url)
const specFile = require.resolve('@octokit/openapi/generated/api.github.com.json')

interface Spec {
  paths: Record<string, Record<string, { operationId?: string; responses?: Record<string, { content?: Record<string, { schema?: object }> }> }>>
  components: object
}

let spec: Spec | undefined
let ajv: Ajv | undefined
const compiled = new Map<string, ValidateFunction | null>()

function load(): { spec: Spec; ajv: Ajv } {
  if (!spec || !ajv) {
    spec = JSON.parse(fs.readFileSync(specFile, 'utf8')) as Spec
    // OpenAPI 3.0's `nullable` is an Ajv keyword; GitHub's own formats are accepted as they are.
    ajv = new Ajv({ strict: false, allErrors: true })
    ;(addFormatsModule as unknown as (a: Ajv) => Ajv)(ajv)
    for (const f of ['int64', 'int32', 'double', 'timestamp', 'repo.nwo', 'binary', 'uri-template']) ajv.addFormat(f, true)
    ajv.addSchema({ $id: 'github', components: nullableEnums(spec.components) })
  }
  return { spec, ajv }
}

/**
 * OpenAPI 3.0's `nullable` beside an `enum` (e.g. a job's conclusion, null until it completes):
 * JSON Schema wants null in the enum as well, or a documented null reply fails the enum.
 */
function nullableEnums(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(nullableEnums)
  if (!schema || typeof schema !== 'object') return schema
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(schema)) out[k] = nullableEnums(v)
  if (out.nullable === true && Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null]
  return out
}

/** Problems with a reply of `operationId` with `status`, as readable strings; empty when it matches. */
export function validateResponse(operationId: string, status: number, body: unknown): string[] {
  const key = `${operationId} ${status}`
  let validate = compiled.get(key)
  if (validate === undefined) {
    const { spec, ajv } = load()
    let schema: object | undefined
    for (const methods of Object.values(spec.paths)) {
      for (const op of Object.values(methods)) {
        if (op?.operationId === operationId) schema = op.responses?.[String(status)]?.content?.['application/json']?.schema
      }
    }
    // Schemas refer to '#/components/…' of the description: re-root them on the added document.
    validate = schema ? ajv.compile(nullableEnums(JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"github#/components/'))) as object) : null
    compiled.set(key, validate)
  }
  if (validate === null) return [`${operationId}: no JSON schema for a ${status} reply in GitHub's OpenAPI description`]
  if (validate(body)) return []
  return (validate.errors ?? []).map((e) => `${operationId} ${status} reply${e.instancePath} ${e.message ?? 'is invalid'}`)
}
