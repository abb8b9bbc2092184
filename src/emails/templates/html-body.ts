import { html, raw } from "hono/html";
import type { Locale } from "../../i18n/catalogues.ts";
import { webUrl } from "../../lib/web-url.ts";
import { type EmailModel, type Link, labelled, type Row } from "./model.ts";

type Fragment = ReturnType<typeof raw>;

// Mail clients drop <style> and external CSS: every style is inline, the layout is tables.
const FONT =
	"font-family:-apple-system,BlinkMacSystemFont,Segoe UI,Roboto,Helvetica,Arial,sans-serif;";
const INK = "#2b2118";
const MUTED = "#6b5d52";
const PAGE = "#f4efe8";
const LINE = "#e6ddd2";
const TEXT = `${FONT}color:${INK};font-size:16px;line-height:24px;`;
const SMALL = `${FONT}color:${MUTED};font-size:13px;line-height:20px;`;
const CELL = `${TEXT}padding:6px 0;border-top:1px solid ${LINE};`;

/**
 * The HTML version: a complete document in the order's language, 600 px wide at
 * most and fluid below, no scripts. Its only images are the shop's (its logo,
 * its products' pictures, from the shop's own origin), each with its words
 * beside it or as its alt, so a mail client that blocks them loses nothing.
 * Every value passes through `html`, which escapes it; only the fixed markup
 * here is raw.
 */
export function renderHtml(m: EmailModel): string {
	const accent = m.accent;
	const doc = html`<!doctype html>
<html lang="${m.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="x-apple-disable-message-reformatting">
<meta name="color-scheme" content="light">
<meta name="supported-color-schemes" content="light">
<title>${m.subject}</title>
</head>
<body style="margin:0;padding:0;background-color:${PAGE};">
<div style="display:none;max-height:0;max-width:0;overflow:hidden;opacity:0;mso-hide:all;">${m.preheader}</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background-color:${PAGE};">
<tr><td align="center" style="padding:24px 12px;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:600px;background-color:#ffffff;border-radius:8px;">
<tr><td style="padding:24px 24px 0;${FONT}color:${accent};font-size:20px;line-height:28px;font-weight:bold;">${m.logoUrl ? html`<img src="${m.logoUrl}" alt="${m.brand}" height="40" style="display:block;height:40px;width:auto;max-width:240px;border:0;">` : m.brand}</td></tr>
<tr><td style="padding:16px 24px 0;">
<h1 style="margin:0 0 16px;${FONT}color:${INK};font-size:24px;line-height:32px;">${m.heading}</h1>
<p style="margin:0 0 12px;${TEXT}">${m.greeting}</p>
${m.paragraphs.map((p) => html`<p style="margin:0 0 12px;${TEXT}">${p}</p>`)}
${m.notice ? html`<p style="margin:0 0 16px;padding:12px 16px;background-color:#fbf1e6;border-left:4px solid ${accent};${TEXT}">${m.notice}</p>` : ""}
${m.action ? button(m.locale, m.action, accent) : ""}
</td></tr>
${m.downloads ? section(m.downloads.heading, html`${m.downloads.links.map((l) => button(m.locale, l, accent))}<p style="margin:0;${SMALL}">${m.downloads.note}</p>`) : ""}
${m.shipment ? section(m.shipment.heading, html`${table(m.shipment.rows, "facts")}${m.shipment.link ? html`<p style="margin:12px 0 0;${TEXT}">${link(m.locale, m.shipment.link, accent)}</p>` : ""}`) : ""}
${m.order ? section(m.order.label, html`<p style="margin:0 0 8px;${SMALL}">${m.order.itemsHeading}</p>${table(m.order.items, "amounts")}${table(m.order.totals, "totals")}`) : ""}
${m.address ? section(m.address.heading, html`<p style="margin:0;${TEXT}">${m.address.lines.map((line, i) => html`${i > 0 ? raw("<br>") : ""}${line}`)}</p>`) : ""}
${m.status ? html`<tr><td style="padding:24px;">${button(m.locale, m.status, accent, false)}</td></tr>` : ""}
<tr><td style="padding:16px 24px 24px;border-top:1px solid ${LINE};${SMALL}">${m.footer}<br>${link(m.locale, m.shop, accent)}${m.pages.length > 0 ? html`<br>${m.pages.map((p, i) => html`${i > 0 ? " · " : ""}${link(m.locale, p, accent)}`)}` : ""}</td></tr>
</table>
</td></tr>
</table>
</body>
</html>
`;
	if (doc instanceof Promise) throw new Error("an email template must render synchronously");
	return doc.toString();
}

function section(heading: string, body: Fragment | Promise<Fragment>) {
	return html`<tr><td style="padding:16px 24px 0;">
<h2 style="margin:0 0 8px;${FONT}color:${INK};font-size:18px;line-height:26px;">${heading}</h2>
${body}
</td></tr>`;
}

/**
 * Label and value rows. Amounts are right-aligned and never wrap, so totals line
 * up; other values (a tracking number, a carrier's odd URL) may break on a phone.
 */
function table(rows: Row[], kind: "amounts" | "totals" | "facts") {
	if (rows.length === 0) return "";
	const weight = (row: Row) => (row.strong ? "font-weight:bold;" : "font-weight:normal;");
	const value =
		kind === "facts"
			? "text-align:left;word-break:break-word;"
			: "text-align:right;white-space:nowrap;";
	return html`<table width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse;${kind === "totals" ? "margin-top:8px;" : ""}">
${rows.map(
	(row) => html`<tr>
<th scope="row" align="left" style="${CELL}text-align:left;${weight(row)}">${row.image ? html`<img src="${row.image}" alt="" width="48" style="width:48px;height:auto;border-radius:4px;vertical-align:middle;margin-right:12px;border:0;">` : ""}${row.label}</th>
<td align="${kind === "facts" ? "left" : "right"}" style="${CELL}${value}padding-left:12px;${weight(row)}">${row.value}</td>
</tr>`,
)}
</table>`;
}

/** A link only to a web address; anything else is written out as text. */
function link(locale: Locale, l: Link, accent: string) {
	const href = webUrl(l.url);
	if (!href) return labelled(locale, l.label, l.url);
	return html`<a href="${href}" style="color:${accent};text-decoration:underline;">${l.label}</a>`;
}

/** A button made of a table cell, which Outlook draws too. */
function button(locale: Locale, l: Link, accent: string, primary = true) {
	const href = webUrl(l.url);
	if (!href) return html`<p style="margin:0;${TEXT}">${labelled(locale, l.label, l.url)}</p>`;
	const colours = primary
		? `background-color:${accent};color:#ffffff;`
		: `background-color:#ffffff;color:${accent};border:2px solid ${accent};`;
	return html`<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="margin:8px 0 16px;">
<tr><td style="border-radius:6px;${primary ? `background-color:${accent};` : ""}">
<a href="${href}" style="display:inline-block;padding:12px 24px;border-radius:6px;${colours}${FONT}font-size:16px;line-height:24px;font-weight:bold;text-decoration:none;">${l.label}</a>
</td></tr>
</table>`;
}
