/**
 * Whether a hint names a user: by `sub`, `username`, `email` or `phone_number` — what a
 * `login_hint`, the password grant's `username` and the config's `autoLogin`/`codes[].user` accept.
 */
export function matchesUser(u: { sub: string; username: string }, hint: string): boolean {
  const claims = u as Record<string, unknown>
  return u.sub === hint || u.username === hint || claims.email === hint || claims.phone_number === hint
}
