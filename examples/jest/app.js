/** The code under test: a service that fetches a client-credentials token, retrying once on a 5xx. */
async function getServiceToken(tokenEndpoint, clientId, clientSecret) {
  const request = () =>
    fetch(tokenEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${btoa(`${clientId}:${clientSecret}`)}` },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'orders:read' }),
    })
  let res = await request()
  if (res.status >= 500) res = await request()
  const body = await res.json()
  if (!res.ok || !body.access_token) throw new Error(`token request failed: ${body.error ?? res.status} ${body.error_description ?? ''}`.trim())
  return body.access_token
}

module.exports = { getServiceToken }
