import { env, exports } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import type Stripe from "stripe";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createDb } from "../../src/db/client.ts";
import { alerts, emails, orders } from "../../src/db/schema.ts";
import { UNPAID_NOTICE_AFTER_MS } from "../../src/domain/emails.ts";
import type { Bindings } from "../../src/env.ts";
import { loadCatalogues } from "../../src/i18n/catalogues.ts";
import {
	deliverEmail,
	LOST_EMAIL_AFTER_MS,
	MAX_EMAIL_TRIES,
	requeueLostEmails,
	resendEmail,
} from "../../src/services/emails/delivery.ts";
import { oweUnpaidNotices } from "../../src/services/emails/unpaid-notices.ts";
import { applyFact } from "../../src/services/orders/apply-fact.ts";
import { TEST_ADMIN_TOKEN } from "../support/constants.ts";
import {
	d1FailingWrites,
	db,
	dbq,
	depsFor,
	getOrder,
	insertOrder,
	pendingEmail,
	testDeps,
} from "./helpers/db.ts";
import { events } from "./helpers/stripe-events.ts";
import { completedSession, declinedPaymentIntent, stripeEvent } from "./helpers/stripe-objects.ts";
import { deliver } from "./helpers/webhooks.ts";

// deliverEmail is called here without the queue consumer, which loads the catalogues first.
beforeAll(() => loadCatalogues(env.ASSETS));

afterEach(() => vi.restoreAllMocks());

const emailsOf = (orderId: string) => db.select().from(emails).where(eq(emails.orderId, orderId));

const paidFact = (created = Math.floor(Date.now() / 1000)) =>
	({ kind: "paid", amount: 4800, currency: "usd", created }) as const;

/** Resend's API as the worker is told to reach it, answered by `answer`. */
const RESEND: Partial<Bindings> = {
	EMAIL_PROVIDER: "resend",
	EMAIL_FROM: "Bean & Leaf <orders@shop.test>",
	RESEND_API_KEY: "re_test_key_123",
	EMAIL_API_BASE: "https://mail.test",
};
function interceptResend(answer: (request: Request) => Promise<Response>) {
	const realFetch = globalThis.fetch;
	const sent: Request[] = [];
	vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
		const request = new Request(input, init);
		if (!request.url.startsWith("https://mail.test/")) return realFetch(input, init);
		sent.push(request.clone());
		return answer(request);
	});
	return sent;
}
const withEnv = (extra: Partial<Bindings>) => ({ ...env, ...extra }) as Bindings;

describe("the outbox: one e-mail per cause, committed with the change", () => {
	it("writes the confirmation once for a paid order, however often and by whichever path it is told", async () => {
		const order = await insertOrder({ customerEmail: "ada@example.com" });
		const completed = events.completedPaid(order);
		// The same event twenty times at once, and the success page's sync racing it.
		const answers = await Promise.all([
			...Array.from({ length: 20 }, () => deliver(completed)),
			applyFact(testDeps(), order.id, paidFact(), { source: "success_page" }),
		]);
		// Copies that find the event in flight are answered 409 (Stripe retries them), never a second effect.
		const statuses = answers.slice(0, 20).map((res) => (res as Response).status);
		expect(statuses).toContain(200);
		expect(statuses.every((s) => s === 200 || s === 409)).toBe(true);
		// To the address the completed session reports (the shopper paid with it), not the one known before.
		const reported = (completed.data.object as Stripe.Checkout.Session).customer_details?.email;
		expect(reported).not.toBe("ada@example.com");
		const owed = await emailsOf(order.id);
		expect(owed.map((e) => `${e.kind}:${e.to}`)).toEqual([`order_confirmation:${reported}`]);
		expect(await getOrder(order.id)).toMatchObject({ status: "paid", customerEmail: reported });
	});

	it("owes processing, failed, shipped and one e-mail per refund, each once", async () => {
		const order = await insertOrder({ customerEmail: "ada@example.com", locale: "fr" });
		const deps = testDeps();
		const now = Math.floor(Date.now() / 1000);
		// A bank debit: the session completed unpaid, then the debit failed, then a retry was paid.
		await applyFact(
			deps,
			order.id,
			{ kind: "processing", created: now, fromCompletedSession: true },
			{ source: "webhook" },
		);
		await applyFact(
			deps,
			order.id,
			{ kind: "failed", created: now, code: "insufficient_funds", message: "x" },
			{ source: "webhook" },
		);
		await applyFact(
			deps,
			order.id,
			{ kind: "failed", created: now, code: "insufficient_funds", message: "x" },
			{ source: "webhook" },
		);
		await applyFact(deps, order.id, paidFact(now), { source: "webhook" });
		await applyFact(
			deps,
			order.id,
			{ kind: "fulfilled", created: now, carrier: "UPS", trackingNumber: "1Z", trackingUrl: null },
			{ source: "admin" },
		);
		for (const amountRefunded of [1000, 1000, 4800]) {
			await applyFact(
				deps,
				order.id,
				{ kind: "refund", created: now, amountRefunded, currency: "usd" },
				{ source: "webhook" },
			);
		}
		const owed = await emailsOf(order.id);
		expect(owed.map((e) => [e.kind, e.amount, e.locale]).sort()).toEqual(
			[
				["order_confirmation", null, "fr"],
				["payment_failed", null, "fr"],
				["payment_processing", null, "fr"],
				["refund", 1000, "fr"],
				["refund", 3800, "fr"],
				["shipped", null, "fr"],
			].sort(),
		);
	});

	it("owes nothing when it has no address to write to", async () => {
		const order = await insertOrder({ customerEmail: null });
		await applyFact(
			testDeps(),
			order.id,
			{ kind: "failed", created: 1, code: null, message: null },
			{ source: "webhook" },
		);
		expect(await emailsOf(order.id)).toEqual([]);
	});

	it("writes neither the change nor its e-mail when the batch fails", async () => {
		const order = await insertOrder({ customerEmail: "ada@example.com" });
		const failing = testDeps({ db: createDb(d1FailingWrites()) });
		await expect(applyFact(failing, order.id, paidFact(), { source: "webhook" })).rejects.toThrow();
		expect((await getOrder(order.id)).status).toBe("pending");
		expect(await emailsOf(order.id)).toEqual([]);
	});

	it("hands each new e-mail to the queue once it is committed, and a repeated cause none", async () => {
		const order = await insertOrder({ customerEmail: "ada@example.com" });
		const queued: string[][] = [];
		const deps = testDeps({ enqueueEmails: async (ids) => void queued.push(ids) });
		await applyFact(
			deps,
			order.id,
			{ ...paidFact(), fromCompletedSession: true },
			{ source: "webhook" },
		);
		await applyFact(
			deps,
			order.id,
			{ kind: "refund", created: 2, amountRefunded: 4800, currency: "usd" },
			{ source: "webhook" },
		);
		const owed = await emailsOf(order.id);
		expect(queued.flat().sort()).toEqual(owed.map((e) => e.id).sort());
		expect(queued.flat()).toHaveLength(2);
	});
});

describe("delivery", () => {
	it("posts to Resend as it documents: Bearer key, the e-mail's id as Idempotency-Key, the JSON body", async () => {
		const { id, order } = await pendingEmail();
		const sent = interceptResend(async () => Response.json({ id: "re_msg_1" }));
		expect(await deliverEmail(depsFor(withEnv(RESEND)), id, 1)).toEqual({ outcome: "sent" });
		expect(sent).toHaveLength(1);
		const request = sent[0] as Request;
		expect(request.method).toBe("POST");
		expect(request.url).toBe("https://mail.test/emails");
		expect(request.headers.get("authorization")).toBe("Bearer re_test_key_123");
		expect(request.headers.get("idempotency-key")).toBe(id);
		expect(request.headers.get("content-type")).toBe("application/json");
		const body = (await request.json()) as Record<string, unknown>;
		expect(Object.keys(body).sort()).toEqual(["from", "html", "subject", "text", "to"]);
		// The shop's name (its identity) at EMAIL_FROM's address, the name quoted.
		expect(body).toMatchObject({
			from: '"Bean & Leaf" <orders@shop.test>',
			to: ["ada@example.com"],
		});
		expect(body.subject).toContain("confirmée");
		expect(String(body.html)).toMatch(/^<!doctype html>\s*<html lang="fr"/i);
		expect(String(body.text)).toContain(
			`https://shop.test/success.html?session_id=${order.stripeCheckoutSessionId}`,
		);
		const row = await dbq.query.emails.findFirst({ where: eq(emails.id, id) });
		expect(row).toMatchObject({ status: "sent", attempts: 1, providerMessageId: "re_msg_1" });
		expect(row?.subject).toBe(body.subject);
		// A second delivery of the same message (Queues deliver at least once) sends nothing.
		expect(await deliverEmail(depsFor(withEnv(RESEND)), id, 2)).toEqual({ outcome: "gone" });
		expect(sent).toHaveLength(1);
	});

	it.each([
		["429", () => new Response("slow down", { status: 429 })],
		["a 5xx", () => new Response("oops", { status: 503 })],
		["a network failure", () => Promise.reject(new TypeError("fetch failed"))],
	])(
		"tries again after %s, sooner than 30 s the first time, then fails with one alert after the last try",
		async (_, answer) => {
			const { id, order } = await pendingEmail();
			interceptResend(async () => answer());
			const first = await deliverEmail(depsFor(withEnv(RESEND)), id, 1);
			expect(first).toMatchObject({ outcome: "retry" });
			expect((first as { delaySeconds: number }).delaySeconds).toBeLessThan(30);
			expect(await dbq.query.emails.findFirst({ where: eq(emails.id, id) })).toMatchObject({
				status: "pending",
				attempts: 1,
			});
			expect(await deliverEmail(depsFor(withEnv(RESEND)), id, MAX_EMAIL_TRIES)).toEqual({
				outcome: "failed",
			});
			const row = await dbq.query.emails.findFirst({ where: eq(emails.id, id) });
			expect(row?.status).toBe("failed");
			expect(row?.lastError).toBeTruthy();
			const raised = await db.select().from(alerts).where(eq(alerts.orderId, order.id));
			expect(raised.map((a) => a.kind)).toEqual(["email_failed"]);
		},
	);

	it("does not try again after another 4xx: failed at once, with the alert", async () => {
		const { id } = await pendingEmail();
		interceptResend(async () =>
			Response.json(
				{ statusCode: 422, message: "Invalid `to` field", name: "validation_error" },
				{ status: 422 },
			),
		);
		expect(await deliverEmail(depsFor(withEnv(RESEND)), id, 1)).toEqual({ outcome: "failed" });
		const row = await dbq.query.emails.findFirst({ where: eq(emails.id, id) });
		expect(row).toMatchObject({ status: "failed", attempts: 1 });
		expect(row?.lastError).toContain("Invalid `to` field");
	});

	it("escapes what came from Stripe in the e-mail it sends", async () => {
		const { id, order } = await pendingEmail();
		await db
			.update(orders)
			.set({
				shippingName: '<script>alert("x")</script>',
				shippingCity: "Paris",
				shippingCountry: "FR",
			})
			.where(eq(orders.id, order.id));
		const sent = interceptResend(async () => Response.json({ id: "re_msg_2" }));
		await deliverEmail(depsFor(withEnv(RESEND)), id, 1);
		const body = (await (sent[0] as Request).json()) as { html: string };
		expect(body.html).not.toContain("<script");
		expect(body.html).toContain("&lt;script&gt;");
	});

	it("sends through the queue the worker exports, and the log provider keeps it in the outbox as sent", async () => {
		const { id } = await pendingEmail();
		const acked: string[] = [];
		const message = {
			id: "m1",
			timestamp: new Date(),
			attempts: 1,
			body: { emailId: id },
			ack: () => acked.push(id),
			retry: () => {},
		};
		const batch = { queue: "shop-emails", messages: [message], ackAll() {}, retryAll() {} };
		const worker = (await import("../../src/index.ts")).default;
		await worker.queue(batch as never, withEnv({ EMAIL_PROVIDER: "log" }), {
			waitUntil() {},
			passThroughOnException() {},
			props: {},
		} as never);
		expect(acked).toEqual([id]);
		expect(await dbq.query.emails.findFirst({ where: eq(emails.id, id) })).toMatchObject({
			status: "sent",
		});
	});
});

describe("reconciliation and the operator", () => {
	it("enqueues again an e-mail whose enqueue was lost, and only such", async () => {
		const lost = await pendingEmail();
		const lostAfterTries = await pendingEmail("shipped");
		const fresh = await pendingEmail("payment_processing");
		await db
			.update(emails)
			.set({ createdAt: Date.now() - LOST_EMAIL_AFTER_MS - 1000 })
			.where(eq(emails.id, lost.id));
		await db
			.update(emails)
			.set({ createdAt: Date.now() - LOST_EMAIL_AFTER_MS - 1000, attempts: 2 })
			.where(eq(emails.id, lostAfterTries.id));
		const queued: string[] = [];
		await requeueLostEmails(
			testDeps({ enqueueEmails: async (ids) => void queued.push(...ids) }),
			1000,
		);
		expect(queued).toContain(lost.id);
		expect(queued).toContain(lostAfterTries.id);
		expect(queued).not.toContain(fresh.id);
	});

	it("lists the outbox and sends an e-mail again on request", async () => {
		const { id, order } = await pendingEmail();
		const admin = (path: string, init: RequestInit = {}) =>
			exports.default.fetch(`https://shop.test/admin${path}`, {
				...init,
				headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
			});
		const listed = await (await admin(`/emails?orderId=${order.id}`)).json<{
			emails: { id: string; kind: string; resendable: boolean }[];
		}>();
		// Still on its way: the console offers no Resend (the worker's word, not the browser's).
		expect(listed.emails.map((e) => [e.id, e.kind, e.resendable])).toEqual([
			[id, "order_confirmation", false],
		]);
		expect((await admin("/emails?status=nope")).status).toBe(400);
		await db.update(emails).set({ status: "failed", attempts: 6 }).where(eq(emails.id, id));
		const failed = await (await admin(`/emails?orderId=${order.id}`)).json<{
			emails: { resendable: boolean }[];
		}>();
		expect(failed.emails.map((e) => e.resendable)).toEqual([true]);
		const resent = await admin(`/emails/${id}/resend`, { method: "POST" });
		expect(resent.status).toBe(200);
		expect(await resent.json()).toMatchObject({
			id,
			status: "pending",
			attempts: 0,
			resendable: false,
		});
		expect((await admin(`/emails/${crypto.randomUUID()}/resend`, { method: "POST" })).status).toBe(
			404,
		);
	});
});

describe("the Email Service provider", () => {
	it("sends through the EMAIL send_email binding with the same fields, and stores its message id", async () => {
		const { id } = await pendingEmail();
		const sent: Record<string, unknown>[] = [];
		const binding = {
			send: async (message: Record<string, unknown>) => {
				sent.push(message);
				return { messageId: "cf-msg-1" };
			},
		};
		const config = withEnv({
			EMAIL_PROVIDER: "cloudflare",
			EMAIL_FROM: "orders@shop.test",
			EMAIL: binding as unknown as SendEmail,
		});
		expect(await deliverEmail(depsFor(config), id, 1)).toEqual({ outcome: "sent" });
		expect(sent).toHaveLength(1);
		expect(sent[0]).toMatchObject({
			from: { name: "Bean & Leaf", email: "orders@shop.test" },
			to: "ada@example.com",
		});
		expect(Object.keys(sent[0] ?? {}).sort()).toEqual([
			"from",
			"headers",
			"html",
			"subject",
			"text",
			"to",
		]);
		expect(await dbq.query.emails.findFirst({ where: eq(emails.id, id) })).toMatchObject({
			status: "sent",
			providerMessageId: "cf-msg-1",
		});
	});

	it("refuses a provider that is not set up, naming the variable, and keeps the e-mail to try again", async () => {
		const { id } = await pendingEmail();
		const outcome = await deliverEmail(
			depsFor(withEnv({ EMAIL_PROVIDER: "resend", EMAIL_FROM: "" })),
			id,
			1,
		);
		expect(outcome).toMatchObject({ outcome: "retry" });
		const row = await dbq.query.emails.findFirst({ where: eq(emails.id, id) });
		expect(row?.lastError).toContain("EMAIL_FROM");
	});
});

describe("an address learnt after the payment", () => {
	it("still owes the confirmation once: a PaymentIntent's event without an address came first", async () => {
		const order = await insertOrder({ customerEmail: null });
		const paid = events.piSucceeded(order);
		(paid.data.object as { receipt_email: string | null }).receipt_email = null;
		expect((await deliver(paid)).status).toBe(200);
		expect((await getOrder(order.id)).status).toBe("paid");
		expect(await emailsOf(order.id)).toEqual([]);
		const completed = events.completedPaid(order);
		expect((await deliver(completed)).status).toBe(200);
		expect((await deliver(completed)).status).toBe(200);
		const owed = await emailsOf(order.id);
		expect(owed.map((e) => `${e.kind}:${e.to}`)).toEqual([
			"order_confirmation:example@example.com",
		]);
	});
});

describe("what a review found", () => {
	it("owes the payment-failed e-mail for a card declined on an open session, from the payment method's address, once the shopper has left", async () => {
		const order = await insertOrder({ customerEmail: null });
		const failed = stripeEvent(
			"payment_intent.payment_failed",
			declinedPaymentIntent({
				orderId: order.id,
				last_payment_error: {
					type: "card_error",
					code: "card_declined",
					decline_code: "insufficient_funds",
					message: "Your card has insufficient funds.",
					payment_method: { billing_details: { email: "declined@example.com" } },
				} as Stripe.PaymentIntent.LastPaymentError,
			}),
		);
		expect((await deliver(failed)).status).toBe(200);
		// The shopper may still be on Stripe's page, trying another card: nothing yet.
		expect(await emailsOf(order.id)).toEqual([]);
		const later = testDeps({ now: () => Date.now() + UNPAID_NOTICE_AFTER_MS + 1000 });
		await oweUnpaidNotices(later);
		const owed = await emailsOf(order.id);
		expect(owed.map((e) => `${e.kind}:${e.to}`)).toEqual(["payment_failed:declined@example.com"]);
	});

	it("sends one e-mail when two deliveries of the same row run at once", async () => {
		const { id } = await pendingEmail();
		let release = () => {};
		const gate = new Promise<void>((resolve) => {
			release = resolve;
		});
		const sent = interceptResend(async () => {
			await gate;
			return Response.json({ id: "re_once" });
		});
		const both = Promise.all([
			deliverEmail(depsFor(withEnv(RESEND)), id, 1),
			deliverEmail(depsFor(withEnv(RESEND)), id, 1),
		]);
		setTimeout(release, 50);
		const outcomes = (await both).map((o) => o.outcome).sort();
		// The second stands back and asks the queue to try again once the first's claim lapses...
		expect(outcomes).toEqual(["retry", "sent"]);
		expect(sent).toHaveLength(1);
		// ...when there is nothing left to send.
		expect(await deliverEmail(depsFor(withEnv(RESEND)), id, 2)).toEqual({ outcome: "gone" });
		expect(sent).toHaveLength(1);
	});

	it("sends an operator's resend made while the first delivery is still in flight", async () => {
		const { id } = await pendingEmail();
		let release = () => {};
		const gate = new Promise<void>((resolve) => {
			release = resolve;
		});
		const sent = interceptResend(async (request) => {
			if (request.headers.get("idempotency-key") === id) await gate;
			return Response.json({ id: `re_${request.headers.get("idempotency-key")}` });
		});
		const first = deliverEmail(depsFor(withEnv(RESEND)), id, 1);
		for (let i = 0; i < 100 && sent.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
		expect(sent).toHaveLength(1);
		// The operator presses Resend now: the first send has not answered yet.
		await resendEmail(testDeps(), id);
		release();
		await first;
		expect((await dbq.query.emails.findFirst({ where: eq(emails.id, id) }))?.status).toBe(
			"pending",
		);
		expect(await deliverEmail(depsFor(withEnv(RESEND)), id, 1)).toEqual({ outcome: "sent" });
		expect(sent.map((r) => r.headers.get("idempotency-key"))).toEqual([id, `${id}-resend-1`]);
		expect(await dbq.query.emails.findFirst({ where: eq(emails.id, id) })).toMatchObject({
			status: "sent",
			providerMessageId: `re_${id}-resend-1`,
		});
	});

	it("never hands the provider a recipient that is not one plain address", async () => {
		// An address from Stripe carrying a header: not taken, so nothing is owed to it.
		const order = await insertOrder({ customerEmail: null });
		const completed = events.completedPaid(order);
		const session = completed.data.object as Stripe.Checkout.Session;
		if (session.customer_details)
			session.customer_details.email = "a@example.com\r\nBcc: thief@evil.test";
		expect((await deliver(completed)).status).toBe(200);
		expect(await getOrder(order.id)).toMatchObject({ status: "paid", customerEmail: null });
		expect(await emailsOf(order.id)).toEqual([]);

		// A row written with one anyway (an older version, a hand edit) fails for good, with its alert.
		const { id } = await pendingEmail();
		await db.update(emails).set({ to: "a@example.com,b@example.com" }).where(eq(emails.id, id));
		const sent = interceptResend(async () => Response.json({ id: "re_never" }));
		expect(await deliverEmail(depsFor(withEnv(RESEND)), id, 1)).toEqual({ outcome: "failed" });
		expect(sent).toHaveLength(0);
		expect((await dbq.query.emails.findFirst({ where: eq(emails.id, id) }))?.lastError).toContain(
			"not one plain e-mail address",
		);
	});

	it("treats Resend's concurrent-request 409 as worth another try", async () => {
		const { id } = await pendingEmail();
		interceptResend(async () =>
			Response.json(
				{ statusCode: 409, name: "concurrent_idempotent_requests", message: "In flight" },
				{ status: 409 },
			),
		);
		expect(await deliverEmail(depsFor(withEnv(RESEND)), id, 1)).toMatchObject({
			outcome: "retry",
		});
	});

	it("does not send a payment-failed e-mail once the order is paid", async () => {
		const { id } = await pendingEmail("payment_failed");
		const sent = interceptResend(async () => Response.json({ id: "re_never" }));
		expect(await deliverEmail(depsFor(withEnv(RESEND)), id, 1)).toEqual({ outcome: "sent" });
		expect(sent).toHaveLength(0);
		expect((await dbq.query.emails.findFirst({ where: eq(emails.id, id) }))?.lastError).toContain(
			"moved on",
		);
	});

	it("owes nothing for an address learnt with a payment a human must check, and the confirmation for a shipped order", async () => {
		const flagged = await insertOrder({ customerEmail: null, status: "failed" });
		const tampered = stripeEvent(
			"checkout.session.completed",
			completedSession({ orderId: flagged.id, amount_subtotal: 1, amount_total: 1 }),
		);
		await deliver(tampered);
		expect(await emailsOf(flagged.id)).toEqual([]);
		const shipped = await insertOrder({
			customerEmail: null,
			status: "fulfilled",
			paidAt: Date.now(),
		});
		await applyFact(
			testDeps(),
			shipped.id,
			{ ...paidFact(), customerEmail: "late@example.com", fromCompletedSession: true },
			{
				source: "webhook",
			},
		);
		expect((await emailsOf(shipped.id)).map((e) => e.kind)).toEqual(["order_confirmation"]);
	});
});

describe("an earlier try whose answer was lost", () => {
	it("counts Resend's 'key already used with another request' as sent: the e-mail went out under its first content", async () => {
		const { id } = await pendingEmail();
		interceptResend(async () =>
			Response.json(
				{ statusCode: 409, name: "invalid_idempotent_request", message: "Same key, other body" },
				{ status: 409 },
			),
		);
		expect(await deliverEmail(depsFor(withEnv(RESEND)), id, 2)).toEqual({ outcome: "sent" });
		expect(await dbq.query.emails.findFirst({ where: eq(emails.id, id) })).toMatchObject({
			status: "sent",
		});
	});
});
