// The one reading of a boolean input, for every command's inputs (token and checks alike).
import { quoteValue, UserError } from './errors.ts'

/** true or false in any case (as core.getBooleanInput), else undefined. */
export function booleanValue(text: string): boolean | undefined {
  const value = String(text).trim().toLowerCase()
  return value === 'true' ? true : value === 'false' ? false : undefined
}

/** A boolean input: true or false (any case); empty gives `fallback` when given. */
export function parseBoolean(text: string, input = 'input', fallback?: boolean): boolean {
  if (String(text).trim() === '' && fallback !== undefined) return fallback
  const value = booleanValue(text)
  if (value !== undefined) return value
  throw new UserError(`${input} must be true or false, got ${quoteValue(String(text).trim())}.`)
}
