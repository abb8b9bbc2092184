import { html, raw } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";

/** A full page around `body` (escaped by hono/html where it was built), with the emulator's small stylesheet. */
export function pageShell(
	title: string,
	body: HtmlEscapedString | Promise<HtmlEscapedString>,
	lang = "en",
): string {
	return String(html`<!doctype html>
<html lang="${lang}">
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
body{margin:0;font:1.0625rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;background:#f6f8fa}
main{max-width:32rem;margin:0 auto;padding:1rem 1.25rem 3rem}
a{color:#0a58ca}
a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible{outline:3px solid #0a58ca;outline-offset:2px}
.badge{display:inline-block;margin:.5rem 0;padding:.125rem .5rem;border-radius:.25rem;background:#ffe8a3;color:#5c4200;font-size:.875rem;font-weight:600}
h1{font-size:1.75rem;margin:.25rem 0 1rem}
h2{font-size:1.125rem;margin:0 0 .5rem}
section,form{background:#fff;border:1px solid #d0d7de;border-radius:.5rem;padding:1rem;margin:0 0 1rem}
ul{list-style:none;margin:0;padding:0}
.line-item{display:flex;flex-wrap:wrap;justify-content:space-between;gap:.25rem;padding:.5rem 0;border-bottom:1px solid #eaeef2}
.line-item small{flex-basis:100%;color:#57606a}
.total{display:flex;justify-content:space-between;margin:.75rem 0 0;font-size:1.125rem}
label{display:block;font-weight:600;margin:.75rem 0 .25rem}
input[type=email],input[type=text],input[type=tel],select{width:100%;font-size:1.125rem;padding:.75rem;border:1px solid #8c959f;border-radius:.375rem}
input[aria-invalid=true]{border-color:#cf222e}
fieldset{border:1px solid #d0d7de;border-radius:.375rem;margin:1rem 0 0;padding:.5rem .75rem .75rem}
legend{font-weight:600;padding:0 .25rem}
.choice{display:flex;align-items:center;gap:.5rem;font-weight:400;margin:.5rem 0}
.choice input{width:1.25rem;height:1.25rem}
.row{display:flex;gap:.75rem;align-items:flex-end}
.row>div{flex:1}
.summary-row{display:flex;justify-content:space-between;margin:.25rem 0 0}
.inline{display:flex;gap:.5rem;align-items:center}
.inline input{flex:1}
.inline button,button.secondary{width:auto;margin:0;padding:.75rem 1rem;background:#fff;color:#0a58ca;border:1px solid #0a58ca}
button.secondary{margin-top:1rem}
.field-error{color:#82071e;font-weight:600;margin:.25rem 0 0}
.hint{color:#57606a;font-size:.9375rem}
[role=alert]{background:#ffebe9;border:1px solid #cf222e;color:#82071e;border-radius:.375rem;padding:.75rem;margin:0 0 1rem;font-weight:600}
.save-card label{margin:0;font-weight:400}
.payment-method{padding:.75rem 0;border-bottom:1px solid #eaeef2}
.payment-method p{margin:0 0 .25rem}
.default-badge{display:inline-block;margin-left:.5rem;padding:0 .5rem;border-radius:.25rem;background:#ddf4e4;color:#0f5323;font-size:.875rem;font-weight:600}
#customer-email{overflow-wrap:anywhere;text-align:right}
.actions{display:flex;flex-wrap:wrap;gap:.5rem}
.actions form{border:0;padding:0;margin:0;background:none}
.actions button.secondary{margin-top:0}
.button-link{display:inline-block;padding:.75rem 1rem;border:1px solid #0a58ca;border-radius:.375rem;font-weight:600;text-decoration:none}
[role=status]{background:#ddf4e4;border:1px solid #1a7f37;color:#0f5323;border-radius:.375rem;padding:.75rem;margin:0 0 1rem;font-weight:600}
form:has(input[data-saved]:checked) .new-card-only{display:none}
.subscription{padding:.75rem 0;border-bottom:1px solid #eaeef2}
.subscription p{margin:0 0 .25rem}
form.quantity-form{border:0;padding:0;margin:.5rem 0;background:none}
input[type=number]{width:6rem;font-size:1.125rem;padding:.75rem;border:1px solid #8c959f;border-radius:.375rem}
.quantity-form button.secondary{margin-top:0}
.price{font-size:1.25rem;font-weight:600;margin:0 0 1rem}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
button{width:100%;margin-top:1.25rem;padding:.875rem;font-size:1.125rem;font-weight:700;color:#fff;background:#0a58ca;border:0;border-radius:.375rem;cursor:pointer}
`;
