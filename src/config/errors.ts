import { InputError } from '../lib/input-error.js'

/** A configuration mistake found at start-up. The message names the JSON path and the fix. */
export class ConfigError extends InputError {
  override name = 'ConfigError'
}
