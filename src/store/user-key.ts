/**
 * A user's key in a store: HMAC-SHA256 of the user id under a key derived from
 * the password, in hex. Any user id (an email, a path) becomes a key every
 * driver accepts, and a key listing confirms no guessed email, as a plain hash
 * would. One per password, the sealing one first: written under the first,
 * looked up under all, so a rotation loses nothing.
 */
import { toHex } from '../core/base64url.ts'
import type { SecretKeys } from '../core/keys.ts'
import { Lru } from '../core/lru.ts'
import type { Passwords } from '../core/passwords.ts'

const SALT = 'iron-fetch-session revocations user key'
export { USER_KEY } from '../core/ids.ts'

const cached = new WeakMap<Passwords, Lru<string, Promise<string[]>>>()

/** The user's keys under every password, the sealing one first; computed once while cached. */
export function userKeys(passwords: Passwords, user: string): Promise<string[]> {
  let byUser = cached.get(passwords)
  if (!byUser) cached.set(passwords, (byUser = new Lru(1024)))
  let keys = byUser.get(user)
  if (!keys) byUser.set(user, (keys = Promise.all(secretsOf(passwords).map((secret) => userKey(secret, user)))))
  return keys
}

function secretsOf(passwords: Passwords): SecretKeys[] {
  const sealing = passwords.byId.get(passwords.sealId) as SecretKeys
  return [sealing, ...new Set([...passwords.byId.values()].filter((keys) => keys !== sealing))]
}

async function userKey(secret: SecretKeys, user: string): Promise<string> {
  return toHex(await secret.backend.sign(secret.derive('mac', SALT), user))
}
