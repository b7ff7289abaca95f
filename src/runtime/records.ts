import type { PkceMethod } from '../profiles/types.js'

/** An issued authorization code. Times are epoch seconds. */
export interface CodeRecord {
  code: string
  serverId: string
  clientId: string
  redirectUri: string
  sub: string
  scope: string
  nonce?: string
  codeChallenge?: string
  codeChallengeMethod?: PkceMethod
  authTime: number
  /** `max_age` was requested: the id_token must carry `auth_time` (OIDC Core §3.1.2.1). */
  authTimeRequired?: boolean
  sid: string
  exp: number
  consumed: boolean
  /** The grant its exchange started (tokens to revoke if the code is replayed). */
  family?: string
}

/** An issued refresh token. */
export interface RefreshRecord {
  token: string
  serverId: string
  clientId: string
  sub: string
  scope: string
  nonce?: string
  authTime: number
  authTimeRequired?: boolean
  sid: string
  exp: number
  /** Set once a rotating refresh token has been exchanged. */
  used: boolean
  /** Shared by a token and its rotated descendants; replay of a used one revokes the family. */
  family: string
  revoked: boolean
}

/** An issued opaque access token (JWT access tokens are not stored). */
export interface AccessRecord {
  token: string
  serverId: string
  clientId: string
  sub?: string
  scope: string
  iat: number
  exp: number
  sid?: string
  revoked: boolean
  /** The grant it belongs to, when it came from a code or a refresh token. */
  family?: string
}
