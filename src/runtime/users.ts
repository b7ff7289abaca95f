import { matchesUser } from '../config/users.js'

/** Find a user by sub, username, email or phone number. */
export function findUser<U extends { sub: string; username: string }>(users: readonly U[], hint: string): U | undefined {
  return users.find((u) => matchesUser(u, hint))
}
