/**
 * D1 failing at the worst moment of a checkout: after the order is written,
 * while Stripe creates its session. The shopper's retry must not be locked out
 * once D1 answers again, and no session may stay payable for an order that
 * does not know it.
 */

import { eq } from "drizzle-orm";
import type Stripe from "stripe";
import { afterEach, describe, expect, it, vi } from "vitest";
import { orders } from "../../src/db/schema.ts";
import { STRIPE_CALL_DEADLINE_MS } from "../../src/lib/stripe.ts";
import { reconcile } from "../../src/services/orders/reconcile.ts";
import { fetchWithEnv } from "./helpers/app.ts";
import { uniqueOrigin } from "./helpers/checkout.ts";
import { d1WithOutage, db, dbq, insertProduct, stockOf, testDeps } from "./helpers/db.ts";
import { emulator, stripe } from "./helpers/emulator.ts";

afterEach(() => vi.restoreAllMocks());

describe("Stripe answering after the client's time-out", () => {
	it("waits for the session Stripe is still creating instead of cancelling the order", async () => {
		const origin = uniqueOrigin();
		// Longer than stripe-node's 10 s time-out: its retry meets idempotency_key_in_use.
		await emulator.addFault({ match: new URL(origin).host, delayMs: 11_000 });
		const res = await fetchWithEnv(
			new Request(`${origin}/create-checkout-session`, {
				method: "POST",
				headers: { "content-type": "application/json" },
				body: JSON.stringify({ items: [{ productId: "pour-over-kit", quantity: 2 }] }),
			}),
			{ APP_URL: origin },
		);
		expect(res.status, await res.clone().text()).toBe(200);
		const answer = await res.json<{ orderId: string; sessionId: string }>();
		const order = await dbq.query.orders.findFirst({
			where: (o, { eq }) => eq(o.id, answer.orderId),
		});
		expect(order).toMatchObject({ status: "pending", stripeCheckoutSessionId: answer.sessionId });
		expect((await stripe().checkout.sessions.retrieve(answer.sessionId)).status).toBe("open");
	}, 30_000);
});

/** The write that records a new session on its order. */
const RECORD_SESSION = /^\s*update "orders" set "stripe_checkout_session_id"/i;
/** The batch that cancels an order (the single writer's guarded update). */
const CANCEL = /^\s*update "orders" set .*"status" = \?/i;
/** The release of an Idempotency-Key whose answer is a 5xx. */
const RELEASE_KEY = /^\s*delete from "idempotency_keys" .*"response_status" is null/i;

describe("D1 failing while Stripe creates the session", () => {
	it("answers 500, closes the session it could not record, gives the units back and frees the key, so the retry buys them", async () => {
		const lines: string[] = [];
		for (const level of ["log", "warn", "error"] as const)
			vi.spyOn(console, level).mockImplementation((line: unknown) => void lines.push(String(line)));
		const outage = d1WithOutage();
		const origin = uniqueOrigin();
		const key = crypto.randomUUID();
		const lastUnit = await insertProduct(1);
		const request = () =>
			new Request(`${origin}/create-checkout-session`, {
				method: "POST",
				headers: { "content-type": "application/json", "idempotency-key": key },
				body: JSON.stringify({ items: [{ productId: lastUnit, quantity: 1 }] }),
			});
		const since = Math.floor(Date.now() / 1000) - 5;
		// D1 fails to record the session, then to cancel the order and to free the key once each.
		outage.refuse(RECORD_SESSION);
		outage.refuse(CANCEL);
		outage.refuse(RELEASE_KEY);
		const first = await fetchWithEnv(request(), { DB: outage.binding, APP_URL: origin });
		expect(first.status, await first.clone().text()).toBe(500);
		expect(outage.state.targeted).toEqual([]);

		// The cancel and the release were tried again after the answer: the unit is free for the retry.
		expect(await stockOf(lastUnit)).toBe(1);
		const retry = await fetchWithEnv(request(), { DB: outage.binding, APP_URL: origin });
		expect(retry.status, await retry.clone().text()).toBe(200);
		const answer = await retry.json<{ orderId: string; sessionId: string }>();
		expect(await stockOf(lastUnit)).toBe(0);

		const sessions = await stripe().checkout.sessions.list({ created: { gte: since }, limit: 100 });
		const ofRun = sessions.data.filter((s: Stripe.Checkout.Session) =>
			s.success_url?.startsWith(origin),
		);
		const unrecorded = ofRun.find((s) => s.id !== answer.sessionId);
		expect(unrecorded?.status).toBe("expired");
		const failed = await dbq.query.orders.findFirst({
			where: (o, { eq }) => eq(o.id, unrecorded?.metadata?.order_id ?? ""),
		});
		expect(failed).toMatchObject({ status: "canceled", failureCode: "checkout_not_recorded" });

		const log = lines.join("\n");
		expect(log).not.toMatch(/Failed query|params:/);
		expect(log).not.toContain(unrecorded?.url ?? "no url");
	});

	it("gives the units back even when Stripe cannot close the unrecorded session", async () => {
		const outage = d1WithOutage();
		const origin = uniqueOrigin();
		const lastUnit = await insertProduct(1);
		const body = JSON.stringify({ items: [{ productId: lastUnit, quantity: 1 }] });
		const post = () =>
			fetchWithEnv(
				new Request(`${origin}/create-checkout-session`, {
					method: "POST",
					headers: { "content-type": "application/json" },
					body,
				}),
				{ DB: outage.binding, APP_URL: origin },
			);
		outage.refuse(RECORD_SESSION);
		// Stripe refuses to expire it (and stripe-node's retry of the 500).
		await emulator.addFault({ match: "/expire", status: 500, count: 2 });
		expect((await post()).status).toBe(500);
		expect(await stockOf(lastUnit)).toBe(1);
		// Someone else (or the same shopper, without a key) gets the unit at once.
		expect((await post()).status).toBe(200);
		expect(await stockOf(lastUnit)).toBe(0);
	});
});

describe("a checkout never sent to Stripe", () => {
	it("is canceled by reconciliation once Stripe's call deadline has passed, whatever the grace period", async () => {
		const stuck = await insertProduct(3);
		const res = await fetchWithEnv(
			new Request("https://shop.test/create-checkout-session", {
				method: "POST",
				headers: { "content-type": "application/json" },
				body: JSON.stringify({ items: [{ productId: stuck, quantity: 2 }] }),
			}),
			{},
		);
		const { orderId } = await res.json<{ orderId: string }>();
		// As if the worker had stopped before Stripe was asked: no session recorded.
		await db.update(orders).set({ stripeCheckoutSessionId: null }).where(eq(orders.id, orderId));
		expect(await stockOf(stuck)).toBe(1);
		const deps = testDeps({ now: () => Date.now() + STRIPE_CALL_DEADLINE_MS + 1000 });
		await reconcile({ ...deps, stripe: stripe(), liveMode: false }, { graceSeconds: 900 });
		expect(await dbq.query.orders.findFirst({ where: eq(orders.id, orderId) })).toMatchObject({
			status: "canceled",
			failureCode: "checkout_not_created",
		});
		expect(await stockOf(stuck)).toBe(3);
	});
});
