/**
 * Settings are parsed once per isolate, in the composition root: a run of
 * requests of every kind reads each setting from the bindings at most once
 * (Workers give every request of an isolate the same `env`).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../../src/index.ts";
import { TEST_ADMIN_TOKEN } from "../support/constants.ts";
import { checkoutSession, stripeEvent } from "./helpers/stripe-objects.ts";
import { signature } from "./helpers/webhooks.ts";

/** A signed `checkout.session.completed` naming an order we do not have. */
async function strangersEvent(): Promise<Request> {
	const payload = JSON.stringify(
		stripeEvent("checkout.session.completed", checkoutSession({ orderId: crypto.randomUUID() })),
	);
	return new Request("http://localhost/webhook", {
		method: "POST",
		headers: { "Content-Type": "application/json", "Stripe-Signature": await signature(payload) },
		body: payload,
	});
}

/** The setting names of SPEC 2 (what `config.ts` reads). */
const SETTINGS = [
	"STRIPE_SECRET_KEY",
	"STRIPE_PUBLISHABLE_KEY",
	"STRIPE_WEBHOOK_SECRET",
	"STRIPE_API_BASE",
	"ADMIN_TOKEN",
	"ALERT_WEBHOOK_URL",
	"APP_URL",
	"MAX_ORDER_AMOUNT",
	"RECONCILE_GRACE_SECONDS",
	"CHECKOUT_RATE_LIMIT",
	"SHIPPING_COUNTRIES",
	"ALLOW_PROMOTION_CODES",
	"AUTOMATIC_TAX",
	"DEFAULT_LOCALE",
	"EMAIL_PROVIDER",
	"EMAIL_FROM",
	"RESEND_API_KEY",
	"EMAIL_API_BASE",
];

/** The test's bindings, counting each read of a setting. */
function countingEnv() {
	const reads = new Map<string, number>();
	const bindings = new Proxy(
		{ ...env },
		{
			get(target, key, receiver) {
				if (typeof key === "string" && SETTINGS.includes(key))
					reads.set(key, (reads.get(key) ?? 0) + 1);
				return Reflect.get(target, key, receiver);
			},
		},
	);
	return { bindings, reads };
}

describe("settings", () => {
	it("are read from the bindings once for a run of requests of every kind", async () => {
		const { bindings, reads } = countingEnv();
		const waits: Promise<unknown>[] = [];
		const ctx = {
			waitUntil: (p: Promise<unknown>) => waits.push(p),
			passThroughOnException: () => {},
			props: {},
		} as unknown as ExecutionContext;
		const call = async (request: Request) => {
			const res = await app.fetch(request, bindings, ctx);
			await res.arrayBuffer();
			return res.status;
		};
		const checkout = () =>
			new Request("http://localhost/create-checkout-session", {
				method: "POST",
				headers: { "Content-Type": "application/json" },
				body: JSON.stringify({ items: [{ productId: "espresso-beans", quantity: 1 }] }),
			});
		for (let round = 0; round < 3; round++) {
			expect(await call(new Request("http://localhost/healthz"))).toBe(200);
			expect(await call(new Request("http://localhost/api/config"))).toBe(200);
			expect(await call(new Request("http://localhost/?lang=fr"))).toBe(200);
			expect(await call(checkout())).toBe(200);
			expect(
				await call(
					new Request("http://localhost/admin/alerts", {
						headers: { Authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
					}),
				),
			).toBe(200);
			// A verified event of no order of ours: signature, ledger, answer.
			expect(await call(await strangersEvent())).toBe(200);
		}
		await Promise.allSettled(waits);
		const readTwice = [...reads].filter(([, n]) => n > 1);
		expect(readTwice).toEqual([]);
		// The run did read the settings it needs (the proxy counts).
		expect(reads.get("STRIPE_SECRET_KEY")).toBe(1);
		expect(reads.get("STRIPE_WEBHOOK_SECRET")).toBe(1);
	});
});
