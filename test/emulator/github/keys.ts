// RSA keys for emulated apps. Generating one takes tens of milliseconds, so the default app's
// 2048-bit key is made once per process and shared by every emulator the process starts.
import crypto from 'node:crypto'

export interface AppKey { pkcs1: string; pkcs8: string; publicKey: crypto.KeyObject }

let defaultKey: AppKey | undefined

export function generateAppKey(bits = 2048): AppKey {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: bits })
  return {
    pkcs1: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    pkcs8: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKey,
  }
}

export function defaultAppKey(): AppKey {
  defaultKey ??= generateAppKey(2048)
  return defaultKey
}
