// Route table for the emulator's own handlers and those other helpers add with route().
// Patterns use OpenAPI's {name} placeholders; {name+} matches one or more segments (e.g. a ref).
import type { RouteHandler } from './types.ts'
import { matchTemplate } from './openapi.ts'

interface Route { method: string; segments: string[]; multi: Set<string>; literals: number; handler: RouteHandler }

export class Router {
  private routes: Route[] = []

  add(method: string, pattern: string, handler: RouteHandler): void {
    const multi = new Set<string>()
    const segments = pattern.split('?')[0]!.split('/').slice(1).map((s) => {
      const m = /^\{(.+)\+\}$/.exec(s)
      if (m) { multi.add(m[1]!); return `{${m[1]}}` }
      return s
    })
    // later registrations win over earlier ones with the same specificity (helpers may override built-ins)
    this.routes.unshift({ method: method.toUpperCase(), segments, multi, literals: segments.filter((s) => !s.startsWith('{')).length, handler })
  }

  find(method: string, path: string): { handler: RouteHandler; params: Record<string, string> } | undefined {
    const segs = path.split('/').slice(1)
    let best: { handler: RouteHandler; params: Record<string, string>; literals: number } | undefined
    for (const r of this.routes) {
      if (r.method !== method && r.method !== '*') continue
      if (best && r.literals <= best.literals) continue
      const params = matchTemplate(r.segments, segs, (n) => r.multi.has(n))
      if (params) best = { handler: r.handler, params, literals: r.literals }
    }
    return best
  }
}
