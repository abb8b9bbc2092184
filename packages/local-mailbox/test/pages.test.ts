import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Mailbox } from "../src/server.ts";
import { send, shopEmail, startTestMailbox } from "./helpers.ts";

let mailbox: Mailbox;
beforeAll(async () => {
	mailbox = await startTestMailbox();
});
afterAll(() => mailbox.close());

const get = async (path: string) => {
	const res = await fetch(`${mailbox.url}${path}`);
	return { status: res.status, headers: res.headers, text: await res.text() };
};

describe("the mailbox pages", () => {
	it("answers the browser's icon request with nothing rather than a 404", async () => {
		expect((await get("/favicon.ico")).status).toBe(204);
	});

	it("lists messages newest first, each linking to its page, with the subject escaped", async () => {
		const older = await send(mailbox, shopEmail({ to: ["list@example.com"], subject: "Older" }));
		const newer = await send(
			mailbox,
			shopEmail({ to: ["list@example.com"], subject: "<script>alert(1)</script>" }),
		);
		const inbox = await get("/");
		expect(inbox.status).toBe(200);
		expect(inbox.headers.get("content-type")).toContain("text/html");
		expect(inbox.text).not.toContain("<script>alert(1)</script>");
		expect(inbox.text).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
		const newerLink = inbox.text.indexOf(`href="/messages/${newer.body.id}"`);
		const olderLink = inbox.text.indexOf(`href="/messages/${older.body.id}"`);
		expect(newerLink).toBeGreaterThan(-1);
		expect(olderLink).toBeGreaterThan(newerLink);
		expect(inbox.text).toContain("list@example.com");
		expect(inbox.text).toMatch(/<time datetime="\d{4}-\d\d-\d\dT/);
	});

	it("shows the headers, the HTML in a frame that may run no script, and the text in a <pre>", async () => {
		const sent = await send(
			mailbox,
			shopEmail({
				to: ["page@example.com"],
				subject: "Tom & Jerry's order",
				html: '<html><head></head><body><p class="x">Paid</p><script>alert("owned")</script></body></html>',
				text: "Paid <b>not bold</b>",
			}),
			{ "idempotency-key": "email_page" },
		);
		const view = await get(`/messages/${sent.body.id}`);
		expect(view.status).toBe(200);
		expect(view.text).toContain("<dt>From</dt><dd>Bean &amp; Leaf &lt;orders@localhost&gt;</dd>");
		expect(view.text).toContain("<dt>To</dt><dd>page@example.com</dd>");
		expect(view.text).toContain("<h1>Tom &amp; Jerry&#39;s order</h1>");
		expect(view.text).toContain("email_page");
		expect(view.text).toContain("<pre>Paid &lt;b&gt;not bold&lt;/b&gt;</pre>");

		const frame = /<iframe ([^>]*)><\/iframe>/.exec(view.text)?.[1] ?? "";
		const sandbox = /sandbox="([^"]*)"/.exec(frame)?.[1];
		expect(sandbox).toBeDefined();
		expect(sandbox).not.toContain("allow-scripts");
		expect(sandbox).not.toContain("allow-same-origin");
		expect(frame).toMatch(/title="[^"]+"/);
		// The HTML appears only inside the attribute, escaped; links open in a tab of their own.
		expect(frame).toContain(
			'srcdoc="&lt;html&gt;&lt;head&gt;&lt;base target=&quot;_blank&quot;&gt;&lt;/head&gt;&lt;body&gt;&lt;p class=&quot;x&quot;&gt;Paid',
		);
		expect(view.text).not.toContain("<script");
		expect(view.text).not.toContain('<p class="x">');
	});

	it("serves every page with a policy that loads and runs nothing", async () => {
		const sent = await send(mailbox, shopEmail({ to: ["csp@example.com"] }));
		for (const path of ["/", `/messages/${sent.body.id}`]) {
			const { headers } = await get(path);
			const csp = headers.get("content-security-policy") ?? "";
			expect(csp).toContain("default-src 'none'");
			expect(csp).not.toContain("script-src");
			expect(csp).toContain("frame-ancestors 'none'");
			expect(headers.get("x-content-type-options")).toBe("nosniff");
		}
	});

	it("says so for an unknown message, with a way back", async () => {
		const view = await get("/messages/em_unknown");
		expect(view.status).toBe(404);
		expect(view.text).toContain("No such message");
		expect(view.text).toContain('href="/"');
	});

	it("says so for a message without an HTML or a text part", async () => {
		const textOnly = await send(mailbox, shopEmail({ html: undefined }));
		expect((await get(`/messages/${textOnly.body.id}`)).text).toContain("No HTML part.");
		const htmlOnly = await send(mailbox, shopEmail({ text: undefined }));
		expect((await get(`/messages/${htmlOnly.body.id}`)).text).toContain("No plain-text part.");
	});
});
