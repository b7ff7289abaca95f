/** Escape text for HTML element content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`)
}

/** WCAG 2 relative luminance of a `#rgb` / `#rrggbb` colour; undefined for anything else. */
function luminance(color: string): number | undefined {
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color)
  if (!m) return undefined
  const hex = m[1]!.length === 3 ? [...m[1]!].map((d) => d + d).join('') : m[1]!
  const [r, g, b] = [0, 2, 4].map((i) => {
    const v = parseInt(hex.slice(i, i + 2), 16) / 255
    return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4
  }) as [number, number, number]
  return 0.2126 * r + 0.7152 * g + 0.0722 * b
}

const contrast = (a: number, b: number): number => (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)

/** The colour 4% darker (each channel). */
function darken(color: string): string {
  const hex = color.length === 4 ? [...color.slice(1)].map((d) => d + d).join('') : color.slice(1)
  return `#${[0, 2, 4].map((i) => Math.floor(parseInt(hex.slice(i, i + 2), 16) * 0.96).toString(16).padStart(2, '0')).join('')}`
}

/**
 * Colours derived from a vendor's brand colour so that text on it stays readable (WCAG AA 4.5:1)
 * and focus rings stay visible on white (3:1): some brand colours are too light for white text.
 */
export function brandPalette(color: string): { brand: string; onBrand: string; ring: string } {
  let l = luminance(color)
  if (l === undefined) return { brand: color, onBrand: '#fff', ring: '#1d2129' }
  // a mid-tone that reaches 4.5:1 with neither white nor dark text (Authing's #396aff: 4.48 with
  // white) is darkened just enough for white text
  const dark0 = 0.0137
  if (contrast(l, 1) < 4.5 && contrast(l, dark0) < 4.5) {
    let c = color
    while (contrast(l!, 1) < 4.5) {
      c = darken(c)
      l = luminance(c)!
    }
    color = c
  }
  const dark = 0.0137 // luminance of #1d2129, the body text colour
  return {
    brand: color,
    onBrand: contrast(l, 1) >= 4.5 || contrast(l, 1) >= contrast(l, dark) ? '#fff' : '#1d2129',
    ring: contrast(l, 1) >= 3 ? color : '#1d2129',
  }
}

/** A small self-contained HTML page (no external assets: the mock runs offline). */
export function page(title: string, body: string, opts: { color?: string; css?: string; width?: number } = {}): string {
  const { brand, onBrand, ring } = brandPalette(opts.color ?? '#444')
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><link rel="icon" href="data:,">
<title>${escapeHtml(title)}</title>
<style>
:root{--brand:${escapeHtml(brand)};--on-brand:${escapeHtml(onBrand)};--ring:${escapeHtml(ring)};--text:#1d2129;--muted:#5f6673;--line:#d0d4db}
*{box-sizing:border-box}body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f4f5f7;color:var(--text)}
main{max-width:${opts.width ?? 440}px;margin:6vh auto;background:#fff;border-radius:12px;box-shadow:0 4px 24px rgba(0,0,0,.08);overflow:hidden}
header{background:var(--brand);color:var(--on-brand);padding:16px 24px}header h1{margin:0;font-size:20px}header p{margin:2px 0 0;opacity:.9;font-size:13px}
.brand{display:flex;align-items:center;gap:10px}.logo{display:inline-grid;place-items:center;width:32px;height:32px;border-radius:8px;background:var(--on-brand);color:var(--brand);font-weight:700;font-size:16px}
.brand-name{font-weight:650;font-size:17px;letter-spacing:.2px}.badge{margin-left:auto;font-size:11px;text-transform:uppercase;letter-spacing:.6px;border:1px solid currentColor;border-radius:999px;padding:1px 8px}
section{padding:20px 24px 4px}section+section{padding-top:4px}
h1.title{font-size:21px;line-height:1.3;margin:0 0 4px}.context{margin:0 0 16px;color:var(--muted);font-size:13px}
h2{font-size:14px;margin:0 0 10px;color:var(--muted);font-weight:600}
.users{list-style:none;margin:0;padding:0}.users li{margin:0 0 8px}
button{width:100%;padding:10px 12px;border:1px solid var(--line);border-radius:8px;background:#fff;color:inherit;font:inherit;text-align:left;cursor:pointer}
.user{display:grid;grid-template-columns:36px 1fr;gap:0 12px;align-items:center}
.avatar{grid-row:span 2;display:inline-grid;place-items:center;width:36px;height:36px;border-radius:50%;background:var(--brand);color:var(--on-brand);font-weight:600;font-size:13px}
button:hover{border-color:var(--ring);background:#fafbfc}
button:focus-visible,input:focus-visible,summary:focus-visible,a:focus-visible{outline:3px solid var(--ring);outline-offset:2px}
button.primary{background:var(--brand);color:var(--on-brand);text-align:center;border-color:var(--brand);font-weight:600}
button.primary:hover{filter:brightness(.95)}
.who{font-weight:600}.meta{color:var(--muted);font-size:13px}
.or{display:flex;align-items:center;gap:10px;color:var(--muted);font-size:12px;margin:12px 24px 0}.or::before,.or::after{content:"";flex:1;border-top:1px solid var(--line)}
label{display:block;font-size:13px;font-weight:600;margin:10px 0 4px}input{width:100%;padding:9px 10px;border:1px solid var(--line);border-radius:8px;font:inherit;color:inherit}
input[aria-invalid=true]{border-color:#c62828}
.error{background:#fdecec;color:#8f1d1d;border-radius:8px;padding:8px 12px;margin:0 0 12px}
.note{background:#eef3ff;border-radius:8px;padding:8px 12px;margin:0 0 12px;font-size:14px}
details{margin:4px 24px 12px;font-size:13px;color:var(--muted)}summary{cursor:pointer}
dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:8px 0 0}dt{font-weight:600}dd{margin:0;word-break:break-all}
.warn{font-size:12px;color:var(--muted);text-align:center;padding:0 24px 16px;margin:0}
code{background:#f0f1f3;padding:1px 4px;border-radius:4px;font-size:.92em}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
section h2{margin-top:6px}.why p{margin:0 0 12px;font-size:15px;background:#fff8e1;border-left:3px solid #e0a100;border-radius:6px;padding:10px 12px;overflow-wrap:anywhere}
.kv{grid-template-columns:max-content 1fr;gap:6px 16px;margin:0 0 12px;font-size:14px}.kv dt{font-weight:600;color:var(--muted)}.kv dd code{word-break:break-all}
.values{margin:0 0 12px;padding-left:20px;font-size:14px}.values li{margin:2px 0}
.path{font-weight:600}
.snippet{border:1px solid var(--line);border-radius:8px;overflow:hidden;margin:0 0 8px}
.snippet-bar{display:flex;align-items:center;justify-content:space-between;background:#f6f7f9;border-bottom:1px solid var(--line);padding:4px 6px 4px 12px;font-size:12px;color:var(--muted)}
button.copy{width:auto;padding:3px 10px;font-size:12px;text-align:center}
pre{margin:0;padding:10px 12px;overflow-x:auto;font-size:13px;line-height:1.45;background:#fff;white-space:pre-wrap;word-break:break-all}
table.list{border-collapse:collapse;width:100%;font-size:14px;margin:0 0 12px}table.list th,table.list td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top}table.list th{color:var(--muted);font-weight:600;font-size:12px;text-transform:uppercase;letter-spacing:.4px}
td code{word-break:break-all}
.tenant{border-top:1px solid var(--line);padding-top:16px;margin-top:8px}.tenant-name{font-size:17px;color:var(--text);display:flex;align-items:center;gap:8px;flex-wrap:wrap}
.dot{display:inline-block;width:10px;height:10px;border-radius:50%}h3{font-size:13px;margin:10px 0 4px;color:var(--muted);text-transform:uppercase;letter-spacing:.4px}
table.urls th{width:110px;text-transform:none;letter-spacing:0;font-size:13px}a{color:inherit}a code{text-decoration:underline;text-decoration-color:var(--line)}
${opts.css ?? ''}</style></head><body><main>${body}</main></body></html>`
}
