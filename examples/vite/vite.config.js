import { defineConfig } from 'vite'
import mockidp from 'mockidp/vite'

// The tenants (./mockidp.config.json, watched) are served by the dev server itself, on its own
// origin: http://localhost:5173/authing/demo/oidc, http://localhost:5173/asgardeo/t/bifrost …
// PORT moves the dev server (the tests pick a free one); the SPA's redirect URIs move with it.
const port = Number(process.env.PORT ?? 5173)
const origin = `http://localhost:${port}`
const spaClient = {
  clientId: 'spa-client',
  redirectUris: [`${origin}/`, `${origin}/silent.html`, `${origin}/asgardeo.html`],
  postLogoutRedirectUris: [`${origin}/`, `${origin}/asgardeo.html`],
}

export default defineConfig({
  // cors: false only to show that nothing here is cross-origin (the tenants allow no CORS origin either)
  server: { port, strictPort: true, cors: false },
  build: { rollupOptions: { input: ['index.html', 'silent.html', 'asgardeo.html'] } },
  plugins: [
    mockidp(
      port === 5173
        ? {}
        : { config: { tenants: [{ id: 'authing-demo', clients: [spaClient] }, { id: 'asgardeo-demo', clients: [spaClient] }] } },
    ),
  ],
})
