import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mailboxClient } from "../src/client.ts";
import type { Mailbox } from "../src/server.ts";
import { send, shopEmail, startTestMailbox } from "./helpers.ts";

let mailbox: Mailbox;
beforeAll(async () => {
	mailbox = await startTestMailbox();
});
afterAll(() => mailbox.close());

describe("the mailbox client", () => {
	it("filters by recipient address (with or without a name) and by part of the subject", async () => {
		const client = mailboxClient(mailbox.url);
		await send(mailbox, shopEmail({ to: ["Zoé <Zoe@Example.com>"], subject: "Votre commande" }));
		await send(mailbox, shopEmail({ to: ["zoe@example.com"], subject: "Remboursement" }));
		await send(mailbox, shopEmail({ to: ["someone@example.com"], subject: "Votre commande" }));
		const toZoe = await client.messages({ to: "zoe@example.com" });
		expect(toZoe.map((m) => m.subject)).toEqual(["Remboursement", "Votre commande"]);
		const orders = await client.messages({ to: "ZOE@example.com", subject: "commande" });
		expect(orders).toHaveLength(1);
		expect(orders[0]?.to).toEqual(["Zoé <Zoe@Example.com>"]);
	});

	it("waits for an email that arrives later", async () => {
		const client = mailboxClient(mailbox.url);
		// Waiting starts while the mailbox has nothing for this address; the e-mail is sent after.
		const waiting = client.waitFor(
			{ to: "later@example.com" },
			{ timeoutMs: 10_000, intervalMs: 20 },
		);
		expect(await client.messages({ to: "later@example.com" })).toEqual([]);
		await send(mailbox, shopEmail({ to: ["later@example.com"], subject: "Arrived later" }));
		const message = await waiting;
		expect([message.to, message.subject]).toEqual([["later@example.com"], "Arrived later"]);
	});

	it("gives up after its timeout, saying what the mailbox holds", async () => {
		const client = mailboxClient(mailbox.url);
		await expect(
			client.waitFor({ to: "never@example.com" }, { timeoutMs: 300, intervalMs: 50 }),
		).rejects.toThrow(
			/no email matching \{"to":"never@example.com"\} within 300 ms; the mailbox holds/,
		);
	});

	it("clears the mailbox", async () => {
		const own = await startTestMailbox();
		try {
			const client = mailboxClient(own.url);
			await send(own, shopEmail(), { "idempotency-key": "email_clear" });
			expect(await client.clear()).toBe(1);
			expect(await client.messages()).toEqual([]);
			// Forgotten keys too: the same email is a new message after a clear.
			await send(own, shopEmail(), { "idempotency-key": "email_clear" });
			expect(await client.messages()).toHaveLength(1);
		} finally {
			await own.close();
		}
	});
});
