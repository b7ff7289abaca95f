/**
 * What `mockidp ca` prints: where the development CA is and how to trust it, least invasive first
 * (one process, one browser, then the OS store — the last at the user's own choice and risk).
 */
export function trustSteps(caFile: string, created: boolean): string {
  return [
    caFile,
    '',
    `${created ? 'Created' : 'The'} mockidp development CA: ${caFile} (its key, ca-key.pem, stays beside it and never leaves this machine).`,
    'mockidp signs its HTTPS certificates (localhost, 127.0.0.1, ::1, *.localhost and every tenant host, e.g. demo.authing.cn) with it.',
    'Trust it only where you need to:',
    '',
    '  Node (openid-client, the vendor SDKs, fetch):',
    `    NODE_EXTRA_CA_CERTS=${caFile} node app.js`,
    '  A test browser (Chromium / Chrome, nothing installed):',
    `    chromium --ignore-certificate-errors-spki-list=$(openssl x509 -in ${caFile} -noout -pubkey | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64)`,
    '    (that is the CA key\'s SPKI hash; Playwright: pass it in launch({ args }), or use ignoreHTTPSErrors in a throw-away context)',
    '  curl:',
    `    curl --cacert ${caFile} https://demo.authing.cn/oidc/.well-known/openid-configuration --resolve demo.authing.cn:443:127.0.0.1`,
    '  Docker: mount the directory and set NODE_EXTRA_CA_CERTS in the app container (README, "HTTPS and production URLs").',
    '',
    '  The OS store — at your own choice and risk: any certificate this CA signs is then trusted by every program of this user.',
    `    Debian/Ubuntu: sudo cp ${caFile} /usr/local/share/ca-certificates/mockidp.crt && sudo update-ca-certificates`,
    `    macOS:         sudo security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain ${caFile}`,
    `    Windows:       certutil -user -addstore Root ${caFile}`,
    '  Undo: remove it from the store the same way; delete the directory to make a new CA (then trust the new one).',
  ].join('\n')
}
