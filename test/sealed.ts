// Reading and writing fragments as the action does: sealed with the app's key (src/store/fragment-auth.ts).
import { createPrivateKey } from 'node:crypto'
import { parseServiceData } from '../src/checks/service-data.ts'
import type { ServiceData, SuiteKey } from '../src/checks/types.ts'
import { FragmentAuth, splitSealed } from '../src/store/fragment-auth.ts'

/** The fragment authenticator of an app whose private key is `pem` (what the action derives in a step). */
export function authOf(pem: string): FragmentAuth {
  return new FragmentAuth(createPrivateKey(pem))
}

/** `text` as the action stores it for `key`'s suite, sealed with `pem`. */
export function sealWith(pem: string, key: SuiteKey, text: string): string {
  return authOf(pem).seal(key, text)
}

/** The document text of a fragment the action wrote (its tag is the attack tests' business); throws if it has no tag. */
export function bodyOf(text: string): string {
  const sealed = splitSealed(text)
  if (!sealed) throw new Error(`not a sealed fragment: ${text.slice(0, 60)}`)
  return sealed.body
}

/** The state document of a fragment the action wrote. */
export function parseStored(text: string): ServiceData {
  return parseServiceData(bodyOf(text))
}
