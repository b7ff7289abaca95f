/** Escape text for HTML element content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`)
}

/** A small self-contained HTML page (no external assets: the mock runs offline). */
export function page(title: string, body: string, opts: { color?: string } = {}): string {
  const color = opts.color ?? '#444'
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
:root{--brand:${escapeHtml(color)}}
*{box-sizing:border-box}body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f4f5f7;color:#1d2129}
main{max-width:420px;margin:8vh auto;background:#fff;border-radius:10px;box-shadow:0 4px 24px rgba(0,0,0,.08);overflow:hidden}
header{background:var(--brand);color:#fff;padding:18px 24px}header h1{margin:0;font-size:20px}header p{margin:2px 0 0;opacity:.85;font-size:13px}
section{padding:20px 24px}h2{font-size:15px;margin:0 0 10px}
.users{list-style:none;margin:0;padding:0}.users li{margin:0 0 8px}
button,.btn{width:100%;padding:10px 12px;border:1px solid #d0d4db;border-radius:6px;background:#fff;font:inherit;text-align:left;cursor:pointer}
button:hover,button:focus-visible{border-color:var(--brand);outline:2px solid var(--brand);outline-offset:1px}
button.primary{background:var(--brand);color:#fff;text-align:center;border-color:var(--brand)}
.who{font-weight:600}.meta{color:#6b7280;font-size:13px}
label{display:block;font-size:13px;margin:10px 0 4px}input{width:100%;padding:9px 10px;border:1px solid #d0d4db;border-radius:6px;font:inherit}
.error{background:#fdecec;color:#a01b1b;border-radius:6px;padding:8px 12px;margin:0 0 12px}
.warn{font-size:12px;color:#6b7280;text-align:center;padding:0 24px 16px}
code{background:#f0f1f3;padding:1px 4px;border-radius:4px}
</style></head><body><main>${body}</main></body></html>`
}
