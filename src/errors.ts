/**
 * An error the user can fix: its message is shown as-is by core.setFailed and must say
 * what to change. Never put a secret (key, token, JWT) in the message.
 */
export class UserError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UserError'
  }
}

/**
 * A user's value, quoted for an error message: one line (JSON escapes), at most 60 characters,
 * and never a PEM block (a private key pasted into the wrong input must not be printed).
 */
export function quoteValue(value: string): string {
  if (/-----BEGIN /.test(value)) return '(a PEM block, not shown)'
  const text = JSON.stringify(value)
  return text.length > 60 ? `${text.slice(0, 56)}…"` : text
}

/** An error's message for a log line or warning (a thrown non-Error as its text). */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
