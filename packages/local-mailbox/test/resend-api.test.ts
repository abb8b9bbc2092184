import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mailboxClient } from "../src/client.ts";
import type { Mailbox } from "../src/server.ts";
import { send, shopEmail, startTestMailbox } from "./helpers.ts";

let mailbox: Mailbox;
beforeAll(async () => {
	mailbox = await startTestMailbox();
});
afterAll(() => mailbox.close());

describe("POST /emails as Resend answers it", () => {
	it("keeps the email the worker sends and answers 200 with its id", async () => {
		const sent = await send(mailbox, shopEmail({ to: ["keeps@example.com"] }), {
			"idempotency-key": "email_keeps",
		});
		expect(sent.status).toBe(200);
		expect(Object.keys(sent.body)).toEqual(["id"]);
		expect(sent.body.id).toMatch(/^em_[0-9a-f]{24}$/);
		const message = await mailboxClient(mailbox.url).message(String(sent.body.id));
		expect(message).toMatchObject({
			id: sent.body.id,
			from: "Bean & Leaf <orders@localhost>",
			to: ["keeps@example.com"],
			subject: "Your order BL-1001",
			html: expect.stringContaining("<p>Thanks!</p>"),
			text: "Thanks!",
			idempotencyKey: "email_keeps",
		});
		expect(Date.parse(message.receivedAt)).toBeGreaterThan(Date.now() - 60_000);
	});

	it("takes `to` as one address too, and an email with a text part only", async () => {
		const sent = await send(
			mailbox,
			shopEmail({ to: "Single <single@example.com>", html: undefined }),
		);
		expect(sent.status).toBe(200);
		const message = await mailboxClient(mailbox.url).message(String(sent.body.id));
		expect(message.to).toEqual(["Single <single@example.com>"]);
		expect(message.html).toBeNull();
	});

	it("shows a kept email through GET /emails/:id in Resend's shape", async () => {
		const sent = await send(mailbox, shopEmail({ to: ["retrieve@example.com"] }));
		const res = await fetch(`${mailbox.url}/emails/${sent.body.id}`, {
			headers: { authorization: `Bearer ${mailbox.apiKey}` },
		});
		expect(await res.json()).toMatchObject({
			object: "email",
			id: sent.body.id,
			to: ["retrieve@example.com"],
			last_event: "delivered",
		});
		const missing = await fetch(`${mailbox.url}/emails/em_nope`, {
			headers: { authorization: `Bearer ${mailbox.apiKey}` },
		});
		expect(missing.status).toBe(404);
		expect(await missing.json()).toMatchObject({ statusCode: 404, name: "not_found" });
	});
});

describe("POST /emails refuses what Resend refuses", () => {
	it("answers 401 missing_api_key without an Authorization header", async () => {
		const res = await fetch(`${mailbox.url}/emails`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify(shopEmail()),
		});
		expect(res.status).toBe(401);
		expect(await res.json()).toEqual({
			statusCode: 401,
			message: "Missing API key in the authorization header.",
			name: "missing_api_key",
		});
	});

	it("answers 401 for another key, and keeps nothing", async () => {
		const sent = await send(mailbox, shopEmail({ to: ["wrong-key@example.com"] }), {
			authorization: "Bearer re_someone_elses",
		});
		expect(sent).toEqual({
			status: 401,
			body: { statusCode: 401, message: "API key is invalid", name: "validation_error" },
		});
		expect(await mailboxClient(mailbox.url).messages({ to: "wrong-key@example.com" })).toEqual([]);
	});

	it.each([
		["from", { from: undefined }, "Missing `from` field."],
		["to", { to: undefined }, "Missing `to` field."],
		["to (empty)", { to: [] }, "Missing `to` field."],
		["subject", { subject: undefined }, "Missing `subject` field."],
		["html and text", { html: undefined, text: undefined }, "Missing `html` or `text` field."],
	])("answers 422 missing_required_field without %s", async (_field, overrides, message) => {
		const sent = await send(mailbox, shopEmail(overrides));
		expect(sent).toEqual({
			status: 422,
			body: { statusCode: 422, message, name: "missing_required_field" },
		});
	});

	it.each([
		["a bare word in to", { to: ["ana"] }, "to"],
		["a number in to", { to: [42] }, "to"],
		["a broken from", { from: "Bean & Leaf <orders>" }, "from"],
	])("answers 422 validation_error for %s", async (_case, overrides, field) => {
		const sent = await send(mailbox, shopEmail(overrides));
		expect(sent.status).toBe(422);
		expect(sent.body).toMatchObject({ name: "validation_error", statusCode: 422 });
		expect(String(sent.body.message)).toContain(`Invalid \`${field}\` field`);
	});

	it("answers 400 for a body that is not JSON", async () => {
		const sent = await send(mailbox, "{not json");
		expect(sent.status).toBe(400);
		expect(sent.body).toMatchObject({ statusCode: 400, name: "validation_error" });
	});

	it("answers 400 invalid_idempotency_key for a key over 256 characters", async () => {
		const sent = await send(mailbox, shopEmail(), { "idempotency-key": "k".repeat(257) });
		expect(sent.status).toBe(400);
		expect(sent.body).toMatchObject({ name: "invalid_idempotency_key" });
	});

	it("accepts the key it was started with, and no other", async () => {
		const own = await startTestMailbox({ apiKey: "re_custom_key" });
		try {
			expect(own.apiKey).toBe("re_custom_key");
			expect((await send(own, shopEmail())).status).toBe(200);
			const local = await send(own, shopEmail(), { authorization: "Bearer re_local_mailbox" });
			expect(local.status).toBe(401);
		} finally {
			await own.close();
		}
	});
});
