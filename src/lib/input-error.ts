/**
 * Bad input from the caller — a config, an option, an admin request body — with a message that names
 * where (the JSON path or the argument) and how to fix it. The admin API answers it with a 400.
 */
export class InputError extends Error {
  override name = 'InputError'
}
