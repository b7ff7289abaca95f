// Peer: oidc-provider (v9), configured minimally: one confidential client (client_secret_post) with
// client_credentials + authorization_code, the fixture key as the static JWKS, JWT access tokens via
// the resourceIndicators feature (every token is for the resource urn:bench:api, format "jwt", RS256).
//
// Code flow: oidc-provider has no non-interactive login, so /interaction/:uid is answered by a tiny
// middleware that logs `test1` in at once (no page), and loadExistingGrant grants openid + api
// (no consent prompt). The load generator logs in once per connection (untimed) and then measures
// authorize-with-session-cookie (303 with code) + token, i.e. the "already signed in" SSO flow.
import Provider from 'oidc-provider'
import { fixtureKey, portArg } from './args.mjs'

const port = portArg()
const fk = fixtureKey()
const RESOURCE = 'urn:bench:api'
const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [
    {
      client_id: 'bench-client',
      client_secret: 'bench-secret',
      grant_types: ['client_credentials', 'authorization_code'],
      response_types: ['code'],
      redirect_uris: ['http://localhost:3000/callback'],
      token_endpoint_auth_method: 'client_secret_post',
    },
  ],
  jwks: { keys: [{ ...fk.privateJwk, kid: fk.kid, alg: 'RS256', use: 'sig' }] },
  cookies: { keys: ['mockidp-bench-cookie-key'] },
  pkce: { required: () => false },
  ttl: { AccessToken: 3600, AuthorizationCode: 60, ClientCredentials: 3600, IdToken: 3600, Interaction: 600, Session: 86400, Grant: 86400 },
  findAccount: async (_ctx, id) => ({ accountId: id, claims: async () => ({ sub: id }) }),
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: async () => RESOURCE,
      useGrantedResource: async () => true,
      getResourceServerInfo: async () => ({ scope: 'api', audience: RESOURCE, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } }),
    },
  },
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId)
    if (grantId) {
      const g = await ctx.oidc.provider.Grant.find(grantId)
      if (g) return g
    }
    if (!ctx.oidc.session.accountId) return undefined
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId })
    grant.addOIDCScope('openid')
    grant.addResourceScope(RESOURCE, 'api')
    await grant.save()
    return grant
  },
})
provider.use(async (ctx, next) => {
  if (ctx.method === 'GET' && ctx.path.startsWith('/interaction/')) {
    await provider.interactionDetails(ctx.req, ctx.res)
    const to = await provider.interactionResult(ctx.req, ctx.res, { login: { accountId: 'test1' } }, { mergeWithLastSubmission: false })
    ctx.status = 303
    ctx.redirect(to)
    return
  }
  await next()
})
provider.listen(port, '127.0.0.1', () => console.log(`oidc-provider listening on ${port}`))
