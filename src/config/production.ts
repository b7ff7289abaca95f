/**
 * Why mockidp must not start in this environment, or undefined when it may: `NODE_ENV` says
 * production (in any case, with any surrounding spaces) and nobody opted in with
 * `MOCKIDP_ALLOW_PRODUCTION=1` or `allow` (`--allow-in-production`, `allowInProduction: true`).
 */
export function productionRefusal(env: Record<string, string | undefined>, allow = false, optIn = '--allow-in-production (or set MOCKIDP_ALLOW_PRODUCTION=1)'): string | undefined {
  const nodeEnv = env.NODE_ENV
  if (allow || env.MOCKIDP_ALLOW_PRODUCTION?.trim() === '1') return undefined
  if (typeof nodeEnv !== 'string' || nodeEnv.trim().toLowerCase() !== 'production') return undefined
  return `refusing to start with NODE_ENV=${nodeEnv === nodeEnv.trim() ? nodeEnv : JSON.stringify(nodeEnv)} — this is a mock identity provider whose keys, secrets and users are public.\n  If this really is a test environment, pass ${optIn}.`
}
