import { html, raw } from "hono/html";
import { type HttpAnswer, htmlAnswer } from "../api/http-io.ts";
import { cardMessages } from "../checkout/card-form.ts";
import { labelsFor, pageLanguage } from "../checkout/page-labels.ts";

/** The one origin a frame talks to: an `http(s)` origin exactly, or null. */
function parentOrigin(value: string | null): string | null {
	if (!value) return null;
	try {
		const url = new URL(value);
		const web = url.protocol === "http:" || url.protocol === "https:";
		return web && url.origin === value ? value : null;
	} catch {
		return null;
	}
}

// Only its own script, no inline one; any page may frame it (the shop's page does).
const FRAME_CSP =
	"default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; base-uri 'none'; frame-ancestors *";

/**
 * `GET /js/elements/payment?session=&locale=&parent=`: the Payment Element's frame, card
 * fields only. Its script (`payment-frame.js`) talks to `parent` alone and POSTs the card to
 * this origin; the messages for incomplete fields are the server's (`data-incomplete`).
 * For a session with a Customer, the script fills in the saved cards (`#saved-cards`) and
 * shows the save box (`#save-card-row`), from `/js/checkout/:id/saved_payment_methods` with
 * the client secret the page puts in the frame's fragment (`#client_secret=&save=&redisplay=`).
 */
export function paymentFramePage(query: URLSearchParams): HttpAnswer {
	const lang = pageLanguage(query.get("locale"));
	const labels = labelsFor(lang);
	const messages = cardMessages(lang);
	const parent = parentOrigin(query.get("parent"));
	const session = query.get("session") ?? "";
	if (!parent || !/^cs_[A-Za-z0-9_]+$/.test(session)) {
		return htmlAnswer(400, "<!doctype html><title>Bad request</title><p>Bad request.</p>", {
			"content-security-policy": FRAME_CSP,
		});
	}
	const field = (
		id: string,
		name: string,
		label: string,
		autocomplete: string,
		placeholder: string,
		incomplete: string,
	) => html`<div class="field" id="${id}-field">
<label for="${id}">${label}</label>
<input type="text" id="${id}" name="${name}" inputmode="numeric" autocomplete="${autocomplete}" placeholder="${placeholder}" spellcheck="false" data-incomplete="${incomplete}">
</div>`;
	const page = html`<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${labels.frameTitle}</title>
<style>${raw(STYLES)}</style>
</head>
<body data-parent="${parent}" data-session="${session}" data-locale="${lang}">
<form id="card-form" novalidate>
<fieldset id="saved-cards" hidden>
<legend>${labels.savedCards}</legend>
<div id="saved-card-list"></div>
<label class="choice" for="method-card"><input type="radio" id="method-card" name="method" value="card"> ${labels.useNewCard}</label>
</fieldset>
<div id="new-card">
${field("card-number", "cardNumber", labels.cardNumber, "cc-number", "1234 1234 1234 1234", messages.numberIncomplete)}
<div class="row">
${field("card-expiry", "cardExpiry", labels.expiry, "cc-exp", lang === "fr" ? "MM / AA" : "MM / YY", messages.expiryIncomplete)}
${field("card-cvc", "cardCvc", labels.securityCode, "cc-csc", "123", messages.cvcIncomplete)}
</div>
<p class="choice save-card" id="save-card-row" hidden><input type="checkbox" id="save-card" name="saveCard" value="yes"> <label for="save-card">${labels.saveCard}</label></p>
</div>
<p id="card-error" class="error" role="alert"></p>
<p class="hint" id="test-mode">${labels.testCardHint}</p>
</form>
<script src="/js/elements/payment-frame.js"></script>
</body>
</html>
`;
	return htmlAnswer(200, String(page), { "content-security-policy": FRAME_CSP });
}

const STYLES = `
*{box-sizing:border-box}
html,body{margin:0;background:transparent}
body{padding:4px;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a}
form{margin:0}
label{display:block;font-weight:600;margin:0 0 4px}
.field{margin:0 0 12px}
input{width:100%;min-height:44px;font:inherit;font-size:16px;padding:8px 12px;color:inherit;background:#fff;border:1px solid #8c959f;border-radius:6px}
input:focus-visible{outline:3px solid #0a58ca;outline-offset:2px}
input[aria-invalid=true]{border-color:#b3261e;border-width:2px}
.row{display:flex;gap:12px}
.row>.field{flex:1;min-width:0}
.error{margin:0 0 8px;color:#b3261e;font-weight:600}
.error:empty{margin:0}
.hint{margin:0;color:#57606a;font-size:14px}
[hidden]{display:none!important}
fieldset{border:0;margin:0 0 12px;padding:0}
legend{font-weight:600;margin:0 0 4px;padding:0}
.choice{display:flex;align-items:center;gap:8px;margin:0 0 8px;font-weight:400}
.choice label{margin:0;font-weight:400}
.choice input{width:20px;min-height:20px;height:20px;margin:0;padding:0;flex:none}
`;
