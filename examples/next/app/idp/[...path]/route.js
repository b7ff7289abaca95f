// mockidp, served by this app: every tenant under /idp (http://localhost:3000/idp/authing/demo/oidc …),
// its issuer following the request's origin (and X-Forwarded-* on a preview deployment).
import { createRouteHandler } from 'mockidp/next'
import { APP_CLIENT } from '../../../lib/auth.js'

export const dynamic = 'force-dynamic'
export const { GET, POST, OPTIONS } = createRouteHandler({
  mount: '/idp',
  tenants: ['authing-demo'],
  // this app, registered with the tenant as a confidential client (its callback URLs)
  config: { tenants: [{ id: 'authing-demo', clients: [APP_CLIENT] }] },
})
