import { describe, expect, it } from 'vitest'
import { diagnose } from '../../src/diagnose/hint.js'
import type { Reason } from '../../src/oauth/errors.js'
import { defaultCfg, makeIdp } from '../helpers/idp.js'

// Every refusal a profile can word has a hint, for every vendor, and no hint echoes a secret.
const SECRET = 'S3cr3t-value-never-echoed'

describe('diagnose(): a hint for every reason', () => {
  const { core } = makeIdp()
  for (const tenant of core.tenants) {
    for (const server of tenant.servers) {
      const reasons = Object.keys(server.spec.errors.reasons) as Reason[]
      it(`${tenant.id} (${server.id}): ${reasons.length} reasons`, () => {
        expect(reasons.length).toBeGreaterThan(20)
        const params: Record<string, string> = { client_id: 'spa-client', client_secret: SECRET, code_verifier: SECRET, password: SECRET, client_assertion: SECRET, redirect_uri: 'http://localhost:5174/cb', username: 'test1', grant_type: 'client_credentials' }
        for (const reason of reasons) {
          const d = diagnose({ reason, vars: { client_id: 'spa-client', params: ['response_type'], param: 'client_assertion' }, server, config: core.config, param: (k) => params[k] })
          expect(d?.hint, reason).toMatch(/\S{3}/)
          expect(JSON.stringify(d), reason).not.toContain(SECRET)
        }
      })
    }
  }

  it('names the client added at run time instead of a JSON path it does not have', () => {
    const { core: idp } = makeIdp(defaultCfg())
    const tenant = idp.tenant('authing-demo')!
    tenant.clients.set('added', { clientId: 'added', redirectUris: ['http://localhost:1/cb'], public: true, grantTypes: ['authorization_code'] })
    const d = diagnose({ reason: 'authz_redirect_uri_mismatch', vars: { client_id: 'added' }, server: tenant.defaultServer, config: idp.config, param: (k) => ({ client_id: 'added', redirect_uri: 'http://localhost:2/cb' })[k] })
    expect(d?.hint).toBe('redirect_uri http://localhost:2/cb is not registered for client added (registered: http://localhost:1/cb) — add it to "redirectUris" of client added (added at run time: upsert it again with the admin API)')
    expect(d?.path).toBeUndefined()
  })
})
