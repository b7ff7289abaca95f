import net from 'node:net'
import { describe, expect, it } from 'vitest'
import { AUTHING, PINGONE, serviceToken, signInCallback, verify } from '../app.js'
import { idp } from './setup.js'
import { opened } from './sockets.js'

describe('production URLs answered by MSW from the in-process mockidp', () => {
  it('Authing: the sign-in callback exchanges a code at https://demo.authing.cn/oidc/token; the id_token verifies against its JWKS', async () => {
    const redirectUri = 'http://localhost:3000/callback'
    const code = idp.tenant('authing-demo').createCode({ clientId: AUTHING.clientId, redirectUri, user: 'alice', scope: 'openid profile email', nonce: 'n-1' })
    const { tokens, claims } = await signInCallback(AUTHING, `${redirectUri}?code=${code}`, { expectedNonce: 'n-1' })
    expect(claims).toMatchObject({ iss: 'https://demo.authing.cn/oidc', aud: AUTHING.clientId, name: 'Alice Zhang' })
    const payload = await verify(AUTHING, tokens.id_token, AUTHING.clientId)
    expect(payload.sub).toBe(claims.sub)
    // every request reached the Authing tenant at the root of its production host
    expect(idp.journal().map((e) => `${e.tenant} ${e.method} ${e.path} ${e.status}`)).toEqual([
      'authing-demo GET /oidc/.well-known/openid-configuration 200',
      'authing-demo POST /oidc/token 200',
      'authing-demo GET /oidc/.well-known/jwks.json 200',
    ])
  })

  it('PingOne: client credentials at https://auth.pingone.com/<envId>/as/token; the access token verifies against the JWKS there', async () => {
    const tokens = await serviceToken(PINGONE)
    expect(tokens.token_type.toLowerCase()).toBe('bearer')
    const payload = await verify(PINGONE, tokens.access_token)
    expect(payload.iss).toBe(PINGONE.issuer)
    expect(payload.client_id).toBe(PINGONE.clientId)
    expect(idp.journal().map((e) => `${e.tenant} ${e.method} ${e.path} ${e.status}`)).toEqual([
      'pingone-demo GET /0f4e2a8c-6b1d-4c3e-9a7f-2d5b8e1c4a60/as/.well-known/openid-configuration 200',
      'pingone-demo POST /0f4e2a8c-6b1d-4c3e-9a7f-2d5b8e1c4a60/as/token 200',
      'pingone-demo GET /0f4e2a8c-6b1d-4c3e-9a7f-2d5b8e1c4a60/as/jwks 200',
    ])
  })

  it('a wrong client secret gets the vendor-shaped error, as the real token endpoint would answer', async () => {
    await expect(serviceToken({ ...PINGONE, clientSecret: 'wrong' })).rejects.toMatchObject({ error: 'invalid_client' })
  })

  it('no socket was opened and no host name was resolved (and the detector does see one)', async () => {
    expect(opened).toEqual([])
    const probe = net.connect({ host: '127.0.0.1', port: 9 }).on('error', () => {})
    probe.destroy()
    expect(opened).toHaveLength(1)
    expect(opened[0]).toMatch(/^connect .*"port":9/)
    opened.length = 0
  })
})
