/**
 * D1 failing at the worst moment of a checkout: after the order is written,
 * while Stripe creates its session. The shopper's retry must not be locked out
 * once D1 answers again, and no session may stay payable for an order that
 * does not know it.
 */
import type Stripe from "stripe";
import { afterEach, describe, expect, it, vi } from "vitest";
import { fetchWithEnv } from "./helpers/app.ts";
import { uniqueOrigin } from "./helpers/checkout.ts";
import { d1WithOutage, db } from "./helpers/db.ts";
import { emulator, stripe } from "./helpers/emulator.ts";

async function until(check: () => boolean | Promise<boolean>, what: string) {
	for (let i = 0; i < 500; i++) {
		if (await check()) return;
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
	throw new Error(`never happened: ${what}`);
}

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
		const order = await db.query.orders.findFirst({
			where: (o, { eq }) => eq(o.id, answer.orderId),
		});
		expect(order).toMatchObject({ status: "pending", stripeCheckoutSessionId: answer.sessionId });
		expect((await stripe().checkout.sessions.retrieve(answer.sessionId)).status).toBe("open");
	}, 30_000);
});

describe("D1 failing while Stripe creates the session", () => {
	it("answers 500, frees the Idempotency-Key once D1 answers, and closes the session it could not record", async () => {
		const lines: string[] = [];
		for (const level of ["log", "warn", "error"] as const)
			vi.spyOn(console, level).mockImplementation((line: unknown) => void lines.push(String(line)));
		const outage = d1WithOutage();
		const origin = uniqueOrigin();
		const key = crypto.randomUUID();
		const request = () =>
			new Request(`${origin}/create-checkout-session`, {
				method: "POST",
				headers: { "content-type": "application/json", "idempotency-key": key },
				body: JSON.stringify({ items: [{ productId: "travel-mug", quantity: 2 }] }),
			});
		const since = Math.floor(Date.now() / 1000) - 5;
		await emulator.addFault({ match: new URL(origin).host, hold: true });

		const first = fetchWithEnv(request(), { DB: outage.binding, APP_URL: origin });
		await until(
			async () => (await emulator.heldRequests()) === 1,
			"the create call to reach Stripe",
		);
		outage.state.down = true;
		await emulator.releaseFaults();
		// The session id cannot be recorded, nor the key released: then D1 comes back.
		await until(() => outage.state.writesFailed >= 2, "the record and the release to fail");
		outage.state.down = false;
		expect((await first).status).toBe(500);

		const retry = await fetchWithEnv(request(), { DB: outage.binding, APP_URL: origin });
		expect(retry.status).toBe(200);
		const answer = await retry.json<{ orderId: string; sessionId: string }>();

		const unrecorded = await db.query.orders.findFirst({
			where: (o, { and, eq, isNull, ne }) =>
				and(eq(o.amount, 3600), isNull(o.stripeCheckoutSessionId), ne(o.id, answer.orderId)),
		});
		expect(unrecorded?.status).toBe("pending");
		const sessions = await stripe().checkout.sessions.list({ created: { gte: since }, limit: 100 });
		const ofFirst = sessions.data.filter(
			(s: Stripe.Checkout.Session) => s.metadata?.order_id === unrecorded?.id,
		);
		expect(ofFirst.map((s) => s.status)).toEqual(["expired"]);

		const log = lines.join("\n");
		expect(log).not.toMatch(/Failed query|params:/);
		expect(log).not.toContain(ofFirst[0]?.url ?? "no url");
	});
});
