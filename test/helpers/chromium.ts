import { existsSync } from 'node:fs'

/** Debian's chromium (never a downloaded browser); MOCKIDP_CHROMIUM points elsewhere. */
export const CHROMIUM = process.env.MOCKIDP_CHROMIUM ?? '/usr/bin/chromium'
export const HAVE_CHROMIUM = existsSync(CHROMIUM)
export const LAUNCH_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']

/**
 * Warn loudly that `file` is skipped and say how to get a browser on one's own machine. Under CI a
 * missing Chromium is a failure, not a skip.
 */
export function requireChromium(file: string): void {
  if (HAVE_CHROMIUM) return
  const msg =
    `${file} SKIPPED: no Chromium at ${CHROMIUM}.\n` +
    '   To run it, install a Chromium or Chrome and point MOCKIDP_CHROMIUM at its binary:\n' +
    '   Debian/Ubuntu: sudo apt-get install -y chromium · Fedora: sudo dnf install chromium · macOS: brew install --cask chromium\n' +
    '   (MOCKIDP_CHROMIUM="/Applications/Chromium.app/Contents/MacOS/Chromium") · Windows: MOCKIDP_CHROMIUM="C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe"'
  if (process.env.CI === 'true') throw new Error(`CI=true: ${msg}`)
  console.warn(`\n${'!'.repeat(78)}\n!! ${msg}\n${'!'.repeat(78)}\n`)
}
