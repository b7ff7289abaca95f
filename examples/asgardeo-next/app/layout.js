// @asgardeo/nextjs, unmodified from npm: the server-side <AsgardeoProvider> signs the user in through
// the Next.js server (a server action builds the authorize URL; the code is exchanged with the
// client secret on the server; the session is an encrypted cookie), then reads the user's SCIM
// profile (/scim2/Me + /scim2/Schemas) and organizations on the server. The tenant comes from the
// environment (.env.local, or the test): ASGARDEO_BASE_URL, ASGARDEO_CLIENT_ID, ASGARDEO_CLIENT_SECRET.
import { AsgardeoProvider } from '@asgardeo/nextjs/server'
import './style.css'

export const metadata = { title: '@asgardeo/nextjs + mockidp' }
// the provider reads cookies and the environment on every request
export const dynamic = 'force-dynamic'

export default function RootLayout({ children }) {
  return (
    <html lang="en">
      <body>
        <AsgardeoProvider
          baseUrl={process.env.ASGARDEO_BASE_URL}
          clientId={process.env.ASGARDEO_CLIENT_ID}
          clientSecret={process.env.ASGARDEO_CLIENT_SECRET}
          organizationHandle={process.env.ASGARDEO_ORGANIZATION_HANDLE}
          scopes={['openid', 'profile', 'email']}
        >
          {children}
        </AsgardeoProvider>
      </body>
    </html>
  )
}
