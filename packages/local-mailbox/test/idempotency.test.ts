import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mailboxClient } from "../src/client.ts";
import type { Mailbox } from "../src/server.ts";
import { MailStore } from "../src/store.ts";
import { send, shopEmail, startTestMailbox } from "./helpers.ts";

let mailbox: Mailbox;
beforeAll(async () => {
	mailbox = await startTestMailbox();
});
afterAll(() => mailbox.close());

describe("Idempotency-Key, as Resend treats it", () => {
	it("replays the first answer for a retry and keeps one message", async () => {
		const email = shopEmail({ to: ["retry@example.com"] });
		const first = await send(mailbox, email, { "idempotency-key": "email_retry" });
		const again = await send(mailbox, email, { "idempotency-key": "email_retry" });
		expect(again).toEqual(first);
		expect(await mailboxClient(mailbox.url).messages({ to: "retry@example.com" })).toHaveLength(1);
	});

	it("answers 409 for the same key with another email, and keeps only the first", async () => {
		await send(mailbox, shopEmail({ to: ["conflict@example.com"] }), {
			"idempotency-key": "email_conflict",
		});
		const other = await send(
			mailbox,
			shopEmail({ to: ["conflict@example.com"], subject: "Other" }),
			{
				"idempotency-key": "email_conflict",
			},
		);
		expect(other).toEqual({
			status: 409,
			body: {
				statusCode: 409,
				message: "Same idempotency key used with a different request payload.",
				name: "invalid_idempotent_request",
			},
		});
		const kept = await mailboxClient(mailbox.url).messages({ to: "conflict@example.com" });
		expect(kept.map((m) => m.subject)).toEqual(["Your order BL-1001"]);
	});

	it("keeps two messages for two keys, and for two sends without a key", async () => {
		const email = shopEmail({ to: ["twice@example.com"] });
		await send(mailbox, email, { "idempotency-key": "email_a" });
		await send(mailbox, email, { "idempotency-key": "email_b" });
		await send(mailbox, email);
		await send(mailbox, email);
		expect(await mailboxClient(mailbox.url).messages({ to: "twice@example.com" })).toHaveLength(4);
	});

	it("does not spend a key on a refused request", async () => {
		const refused = await send(mailbox, shopEmail({ to: [], subject: "x" }), {
			"idempotency-key": "email_fixed_later",
		});
		expect(refused.status).toBe(422);
		const fixed = await send(mailbox, shopEmail({ to: ["fixed@example.com"] }), {
			"idempotency-key": "email_fixed_later",
		});
		expect(fixed.status).toBe(200);
	});

	it("forgets a key after 24 hours", () => {
		let now = Date.parse("2026-01-01T00:00:00Z");
		const store = new MailStore(null, () => now);
		const email = {
			from: "a@example.com",
			to: ["b@example.com"],
			subject: "s",
			html: null,
			text: "t",
			replyTo: [],
		};
		expect(store.accept(email, "k").kind).toBe("created");
		now += 23 * 3600_000;
		expect(store.accept(email, "k").kind).toBe("replayed");
		now += 2 * 3600_000;
		expect(store.accept(email, "k").kind).toBe("created");
		expect(store.list()).toHaveLength(2);
	});
});
