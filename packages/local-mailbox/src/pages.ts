import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import { html } from "hono/html";
import { PAGE_CSP, page } from "./layout.ts";
import type { MailMessage } from "./message.ts";
import type { MailStore } from "./store.ts";

/**
 * The frame may open the email's links in a new tab (unsandboxed, as a mail
 * client does), but never runs its scripts nor shares the mailbox's origin:
 * no `allow-scripts`, no `allow-same-origin`.
 */
export const FRAME_SANDBOX = "allow-popups allow-popups-to-escape-sandbox";

const when = (iso: string) =>
	html`<time datetime="${iso}">${iso.replace("T", " ").slice(0, 19)} UTC</time>`;

/** The browser pages: `GET /` (every message, newest first) and `GET /messages/:id`. */
export function pages(store: MailStore): Hono {
	const app = new Hono();
	const headers = createMiddleware(async (c, next) => {
		await next();
		c.header("content-security-policy", PAGE_CSP);
		c.header("cache-control", "no-store");
		c.header("x-content-type-options", "nosniff");
		c.header("referrer-policy", "no-referrer");
	});
	// Mounted at "/", a path-less middleware would also run for the APIs.
	app.use("/", headers);
	app.use("/messages/*", headers);
	app.get("/", (c) => c.html(inboxPage(store.list())));
	// The browser's request for an icon: nothing to show, and no 404 in its console.
	app.get("/favicon.ico", (c) => c.body(null, 204));
	app.get("/messages/:id", (c) => {
		const message = store.get(c.req.param("id"));
		if (!message)
			return c.html(
				page(
					"No such message · Local mailbox",
					html`<h1>No such message</h1><p><a href="/">All messages</a></p>`,
				),
				404,
			);
		return c.html(messagePage(message));
	});
	return app;
}

function inboxPage(messages: MailMessage[]): string {
	const rows = messages.map(
		(m) => html`<tr>
<td>${when(m.receivedAt)}</td>
<td>${m.to.join(", ")}</td>
<td><a href="/messages/${encodeURIComponent(m.id)}">${m.subject || "(no subject)"}</a></td>
</tr>`,
	);
	return page(
		`Local mailbox (${messages.length})`,
		html`<h1>Local mailbox</h1>
<p class="hint">Every email the shop sends while it runs locally is kept here; nothing leaves this machine. Reload to see new ones.</p>
${
	messages.length === 0
		? html`<p>No email yet.</p>`
		: html`<table>
<caption class="hint">${messages.length} ${messages.length === 1 ? "message" : "messages"}, newest first</caption>
<thead><tr><th scope="col">Received</th><th scope="col">To</th><th scope="col">Subject</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`
}`,
	);
}

function messagePage(m: MailMessage): string {
	const header = (name: string, value: unknown) => html`<dt>${name}</dt><dd>${value}</dd>`;
	return page(
		`${m.subject || "(no subject)"} · Local mailbox`,
		html`<p><a href="/">All messages</a></p>
<h1>${m.subject || "(no subject)"}</h1>
<dl>
${header("From", m.from)}
${header("To", m.to.join(", "))}
${m.replyTo.length > 0 ? header("Reply-To", m.replyTo.join(", ")) : ""}
${header("Received", when(m.receivedAt))}
${header("Id", m.id)}
${m.idempotencyKey ? header("Idempotency key", m.idempotencyKey) : ""}
</dl>
<h2>HTML</h2>
${
	m.html === null
		? html`<p>No HTML part.</p>`
		: html`<iframe title="HTML part of the email" sandbox="${FRAME_SANDBOX}" srcdoc="${linksInNewTab(m.html)}"></iframe>`
}
<h2>Plain text</h2>
${m.text === null ? html`<p>No plain-text part.</p>` : html`<pre>${m.text}</pre>`}`,
	);
}

/** A `<base target="_blank">` at the start of the head, so a link leaves the frame for a tab of its own. */
function linksInNewTab(body: string): string {
	const base = `<base target="_blank">`;
	const head = /<head(\s[^>]*)?>/i.exec(body);
	if (head) return body.replace(head[0], () => `${head[0]}${base}`);
	const root = /<html(\s[^>]*)?>/i.exec(body);
	if (root) return body.replace(root[0], () => `${root[0]}<head>${base}</head>`);
	return `${base}${body}`;
}
