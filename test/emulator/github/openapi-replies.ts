// Reply validation against GitHub's OpenAPI description (@octokit/openapi), for the emulator's
// own tests: the JSON schema of an operation's reply for a status, compiled with ajv. The
// dereferenced description is 73 MB, so the schemas asked for are cached in the temp directory
// (as openapi.ts caches its request digest).
import { createRequire } from 'node:module'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Ajv } from 'ajv'
import addFormatsModule from 'ajv-formats'

const require = createRequire(import.meta.url)
const specFile = require.resolve('@octokit/openapi/generated/api.github.com.deref.json')
const addFormats = addFormatsModule as unknown as (a: Ajv) => Ajv
const ajv = new Ajv({ strict: false, allErrors: true })
addFormats(ajv)
for (const f of ['int64', 'int32', 'double', 'timestamp', 'repo.nwo', 'binary', 'uri-template']) ajv.addFormat(f, true)

let spec: { paths: Record<string, Record<string, any>> } | undefined

function schemaOf(operationId: string, status: number): object {
  const stat = fs.statSync(specFile)
  const file = path.join(os.tmpdir(), `github-app-ci-openapi-reply-${stat.size}-${Math.floor(stat.mtimeMs)}-${operationId.replace(/\W/g, '_')}-${status}.json`)
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'))
  } catch {
    spec ??= JSON.parse(fs.readFileSync(specFile, 'utf8'))
    for (const methods of Object.values(spec!.paths)) {
      for (const o of Object.values(methods)) {
        if (o?.operationId !== operationId) continue
        const schema = o.responses?.[String(status)]?.content?.['application/json']?.schema
        if (!schema) throw new Error(`${operationId} has no JSON reply for ${status}`)
        const tmp = `${file}.${process.pid}.tmp`
        fs.writeFileSync(tmp, JSON.stringify(schema))
        fs.renameSync(tmp, file)
        return schema
      }
    }
    throw new Error(`no operation ${operationId}`)
  }
}

/** OpenAPI 3.0's `nullable` beside an `enum`: JSON Schema wants null in the enum as well. */
function nullableEnums(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(nullableEnums)
  if (!schema || typeof schema !== 'object') return schema
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(schema)) out[k] = nullableEnums(v)
  if (out.nullable === true && Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null]
  return out
}

/** Problems with a reply body, as readable strings; empty when it is what GitHub documents. */
export function validateReply(operationId: string, status: number, body: unknown): string[] {
  const validate = ajv.compile(nullableEnums(schemaOf(operationId, status)) as object)
  if (validate(body)) return []
  return (validate.errors ?? []).map((e) => `${e.instancePath || 'body'} ${e.message ?? 'is invalid'}`)
}
