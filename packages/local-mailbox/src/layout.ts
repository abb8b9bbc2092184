import { html, raw } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";

/**
 * The pages load nothing from anywhere and run no script; documents in a
 * `srcdoc` frame inherit this policy, so an email's HTML cannot run scripts
 * or fetch anything either (only inline styles and `data:` images).
 */
export const PAGE_CSP =
	"default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** A full page around `body` (escaped by hono/html where it was built). */
export function page(title: string, body: HtmlEscapedString | Promise<HtmlEscapedString>): string {
	return String(html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${raw(STYLES)}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`);
}

const STYLES = `
*{box-sizing:border-box}
:root{color-scheme:light dark}
body{margin:0;font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;background:#f6f8fa}
main{max-width:60rem;margin:0 auto;padding:1rem 1.25rem 3rem}
a{color:#0a58ca}
a:focus-visible,iframe:focus-visible{outline:3px solid #0a58ca;outline-offset:2px}
h1{font-size:1.75rem;margin:.25rem 0 .5rem}
h2{font-size:1.125rem;margin:1.5rem 0 .5rem}
.hint{color:#57606a}
table{width:100%;border-collapse:collapse;background:#fff}
th,td{text-align:left;vertical-align:top;padding:.5rem .75rem;border-bottom:1px solid #d0d7de}
th{font-weight:600}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0;background:#fff;border:1px solid #d0d7de;border-radius:.5rem;padding:1rem}
dt{font-weight:600}
dd{margin:0;overflow-wrap:anywhere}
iframe{display:block;width:100%;height:70vh;resize:vertical;border:1px solid #d0d7de;border-radius:.5rem;background:#fff}
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#fff;border:1px solid #d0d7de;border-radius:.5rem;padding:1rem;margin:0}
@media (prefers-color-scheme:dark){
body{color:#e6edf3;background:#0d1117}
a{color:#6cb6ff}
.hint{color:#9da7b3}
table,dl,pre{background:#161b22}
th,td,dl,pre,iframe{border-color:#30363d}
}
`;
