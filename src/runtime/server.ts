import { compile, renderValue, type Compiled } from '../lib/template.js'
import { b64url } from '../lib/json.js'
import type { SigningKey } from '../keys/keystore.js'
import type { ClientAuthMethod, EndpointName, ServerSpec } from '../profiles/types.js'
import type { Tenant } from './tenant.js'
import { spaceSet } from '../lib/space-set.js'

/** Endpoints a browser visits; the others are called server to server. */
const FRONT_CHANNEL = new Set(['authorization', 'endSession', 'idTokenLogout', 'checkSession', 'deviceVerification'])

/** A server's encoded JWT headers for one signing key. */
export interface JwtHeaders {
  /** Access tokens (undefined: the profile's are opaque). */
  access: string | undefined
  id: string | undefined
  /** The per-client JWT access token (`jwtAccessToken`), if the profile has one. */
  jwtAccess: string | undefined
}

/** Absolute URLs of one server for one origin. */
export interface ServerUrls {
  issuer: string
  url: Partial<Record<EndpointName, string>>
}

/**
 * One authorization server of a tenant (Authing tenants have `/oidc` and `/oauth`), with everything
 * that does not depend on the request precomputed: JWT headers, templates, paths.
 */
export class ServerRuntime {
  readonly id: string
  /** Request paths (without origin) of each endpoint, discovery possibly at several paths. */
  readonly paths: Partial<Record<Exclude<EndpointName, 'discovery'>, string>> & { discovery: string[] }
  /** Client-auth methods usable with a client secret. */
  readonly secretMethods: ClientAuthMethod[]
  /** The profile's response types, each normalized (sorted values). */
  readonly responseTypes: ReadonlySet<string>
  private readonly issuerTemplate: Compiled
  private readonly urlCache = new Map<string, ServerUrls>()
  private readonly discoveryCache = new Map<string, string>()
  private readonly extraParamTemplates: [string, Compiled][]
  // encoded JWT headers per signing key, computed once per key
  private readonly headers = new WeakMap<SigningKey, JwtHeaders>()

  constructor(
    readonly tenant: Tenant,
    readonly spec: ServerSpec,
    /** Path of the tenant's root on this mount (basePath + tenant path, or the host path). */
    readonly rootPath: string = tenant.rootPath,
  ) {
    this.id = spec.id
    const root = rootPath
    const { discovery, ...rest } = spec.paths
    const paths: ServerRuntime['paths'] = { discovery: [] }
    for (const [name, p] of Object.entries(rest)) paths[name as Exclude<EndpointName, 'discovery'>] = root + p
    paths.discovery = (discovery === undefined ? [] : Array.isArray(discovery) ? discovery : [discovery]).map((p) => root + p)
    this.paths = paths
    this.issuerTemplate = compile(spec.issuer)
    this.secretMethods = spec.clientAuthMethods.filter((m) => m !== 'none' && m !== 'private_key_jwt')
    this.responseTypes = new Set(spec.authorization.responseTypes.map(spaceSet))
    this.extraParamTemplates = Object.entries(spec.authorization.extraParams).map(([k, v]) => [k, compile(v)])
  }

  /** The tenant's current signing key (rotations change it). */
  get key(): SigningKey {
    return this.tenant.keys.current
  }

  /** Encoded JWT headers for `key` (default: the current key); `access` is undefined for opaque access tokens. */
  headersFor(key: SigningKey = this.key): JwtHeaders {
    let h = this.headers.get(key)
    if (!h) {
      const keyVars = { key: key.vars }
      const spec = this.spec
      h = {
        access: spec.accessToken.format === 'jwt' ? b64url(JSON.stringify(renderValue(spec.accessToken.header, keyVars))) : undefined,
        id: spec.idToken && spec.openid ? b64url(JSON.stringify(renderValue(spec.idToken.header, keyVars))) : undefined,
        jwtAccess: spec.jwtAccessToken ? b64url(JSON.stringify(renderValue(spec.jwtAccessToken.header, keyVars))) : undefined,
      }
      this.headers.set(key, h)
    }
    return h
  }

  /** Encoded access-token JWT header of the current key (undefined: opaque access tokens). */
  get accessHeaderB64(): string | undefined {
    return this.headersFor().access
  }

  /** Encoded id-token JWT header of the current key. */
  get idHeaderB64(): string | undefined {
    return this.headersFor().id
  }

  /** Encoded header of the per-client JWT access token (`jwtAccessToken`) for the current key, if the profile has one. */
  get jwtAccessHeaderB64(): string | undefined {
    return this.headersFor().jwtAccess
  }

  /**
   * Issuer and endpoint URLs, cached per origin pair. `front` is the origin browsers use (issuer,
   * authorization and logout endpoints); `back` the one servers use for the back-channel endpoints
   * (token, userinfo, JWKS …) — they differ when, say, a browser reaches a container at
   * `localhost:9000` and the app at `mockidp:9000`.
   */
  urls(front: string, back: string = front): ServerUrls {
    const cacheKey = front === back ? front : `${front}|${back}`
    let u = this.urlCache.get(cacheKey)
    if (u) return u
    const issuer = this.issuerTemplate({ root: front + this.rootPath, tenant: this.tenant.values })
    const url: ServerUrls['url'] = {}
    for (const [name, p] of Object.entries(this.paths)) {
      const origin = FRONT_CHANNEL.has(name) ? front : back
      if (name === 'discovery') {
        if ((p as string[]).length) url.discovery = front + (p as string[])[0]
      }
      else url[name as EndpointName] = origin + (p as string)
    }
    u = { issuer, url }
    if (this.urlCache.size > 64) this.urlCache.clear()
    this.urlCache.set(cacheKey, u)
    return u
  }

  /** The discovery document for the origin pair, serialised once per pair. */
  discovery(front: string, back: string = front): string | undefined {
    if (!this.spec.discovery) return undefined
    const cacheKey = front === back ? front : `${front}|${back}`
    let body = this.discoveryCache.get(cacheKey)
    if (body === undefined) {
      body = JSON.stringify(renderValue(this.spec.discovery, { ...this.urls(front, back) }))
      if (this.discoveryCache.size > 64) this.discoveryCache.clear()
      this.discoveryCache.set(cacheKey, body)
    }
    return body
  }

  /** Extra parameters the vendor adds to a successful authorization redirect. */
  extraRedirectParams(vars: Record<string, unknown>): [string, string][] {
    return this.extraParamTemplates.map(([k, t]) => [k, t(vars)])
  }
}
