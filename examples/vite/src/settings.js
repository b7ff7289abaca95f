// oidc-client-ts settings: the authority is a path on this very origin (the dev server serves mockidp).
import { WebStorageStateStore } from 'oidc-client-ts'

export const settings = () => ({
  authority: '/authing/demo/oidc', // a path: the issuer is this origin plus it
  client_id: 'spa-client',
  redirect_uri: `${location.origin}/`,
  silent_redirect_uri: `${location.origin}/silent.html`,
  post_logout_redirect_uri: `${location.origin}/`,
  scope: 'openid profile email',
  userStore: new WebStorageStateStore({ store: sessionStorage }),
  automaticSilentRenew: false,
})
