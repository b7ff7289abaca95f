/**
 * JSON serialisation options a vendor's server shows on the wire.
 * `escapeSlashes`: WSO2 (json-smart) writes `/` as `\/`, so Asgardeo ids and bodies do too.
 */
export interface JsonStyle {
  escapeSlashes?: boolean
}

/** `JSON.stringify` in a vendor's style. Key order is the object's insertion order. */
export function stringify(value: unknown, style: JsonStyle | undefined): string {
  const s = JSON.stringify(value)
  return style?.escapeSlashes ? s.replaceAll('/', '\\/') : s
}

/** Base64url of a UTF-8 string or bytes, without padding. */
export const b64url = (input: string | Uint8Array): string => Buffer.from(input).toString('base64url')
