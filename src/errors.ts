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
