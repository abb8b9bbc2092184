/**
 * The round-trip budget of each hot path (bench/README.md "Round trips"):
 * D1 round trips (a batch is one), queue sends and Stripe calls, counted where
 * they leave the worker. Each test's name states its figures and the test
 * holds them exactly: a path that does more, or less, fails here and says
 * so. `npm run bench` prints these names as its round-trip table. The shop's
 * identity (name, contact) is read once per isolate and kept 30 s: each count
 * starts from a warm isolate that has it.
 */
import { describe, expect, it } from "vitest";
import worker from "../../src/index.ts";
import { signIn } from "./helpers/accounts.ts";
import { fetchWithEnv } from "./helpers/app.ts";
import { ORIGIN } from "./helpers/checkout.ts";
import { getOrder, pendingEmail } from "./helpers/db.ts";
import { emulator } from "./helpers/emulator.ts";
import { countingBindings, stripeCallsAbout } from "./helpers/round-trips.ts";
import { signature } from "./helpers/webhooks.ts";

const ITEMS = [{ productId: "espresso-beans", quantity: 1 }];

const checkoutRequest = (body: unknown, headers: Record<string, string> = {}) =>
	new Request(`${ORIGIN}/create-checkout-session`, {
		method: "POST",
		headers: { "Content-Type": "application/json", ...headers },
		body: JSON.stringify(body),
	});

async function webhookRequest(event: unknown): Promise<Request> {
	const payload = JSON.stringify(event, null, 2);
	return new Request(`${ORIGIN}/webhook`, {
		method: "POST",
		headers: { "Content-Type": "application/json", "Stripe-Signature": await signature(payload) },
		body: payload,
	});
}

type Answer = { orderId: string; sessionId: string; resumeToken: string };

describe("round trips per operation", () => {
	const shop = countingBindings({ APP_URL: ORIGIN });

	/** A new checkout through the counting bindings. */
	async function newCheckout() {
		const counted = await shop.count(async (call) => {
			const res = await call(checkoutRequest({ items: ITEMS }));
			expect(res.status).toBe(200);
			return res.json<Answer>();
		});
		return counted;
	}

	/** A paid session's `checkout.session.completed`, as the emulator made it (not delivered). */
	async function paidAtStripe(sessionId: string) {
		await emulator.pay(sessionId);
		const [completed] = await emulator.events({
			objectId: sessionId,
			type: "checkout.session.completed",
		});
		if (!completed) throw new Error("no checkout.session.completed at the emulator");
		return completed;
	}

	it("GET /api/products: 1 D1 round trip", async () => {
		const counted = await shop.count(async (call) => {
			const res = await call(new Request(`${ORIGIN}/api/products`));
			expect(res.status).toBe(200);
		});
		expect(counted).toMatchObject({ d1: 1, queue: 0 });
	});

	it("checkout, new cart: 3 D1 round trips, 1 Stripe call", async () => {
		const { result, ...counts } = await newCheckout();
		expect({ ...counts, stripe: await stripeCallsAbout([result.orderId]) }).toEqual({
			d1: 3,
			queue: 0,
			stripe: 1,
		});
	});

	it("checkout on our page (uiMode elements), new cart: the same 3 D1 round trips, 1 Stripe call", async () => {
		const counted = await shop.count(async (call) => {
			const res = await call(checkoutRequest({ items: ITEMS, uiMode: "elements" }));
			expect(res.status).toBe(200);
			return res.json<Answer & { clientSecret: string }>();
		});
		const { result, ...counts } = counted;
		expect(result.clientSecret).toMatch(/_secret_/);
		expect({ ...counts, stripe: await stripeCallsAbout([result.orderId]) }).toEqual({
			d1: 3,
			queue: 0,
			stripe: 1,
		});
	});

	it("checkout signed in (SPEC 14): 4 D1 round trips (its session read), 1 Stripe call, and once per customer 1 more (its Stripe Customer)", async () => {
		const { cookie, customerId } = await signIn();
		const signedIn = async () => {
			const { result, ...counts } = await shop.count(async (call) => {
				const res = await call(checkoutRequest({ items: ITEMS }, { cookie: `account=${cookie}` }));
				expect(res.status).toBe(200);
				return res.json<Answer>();
			});
			return {
				...counts,
				stripe: await stripeCallsAbout([result.orderId]),
				// The Stripe Customer's creation names our customer (its metadata), so far.
				customerMade: await stripeCallsAbout([customerId]),
			};
		};
		expect(await signedIn()).toEqual({ d1: 4, queue: 0, stripe: 1, customerMade: 1 });
		expect(await signedIn()).toEqual({ d1: 4, queue: 0, stripe: 1, customerMade: 1 });
	});

	it("checkout, new cart with an Idempotency-Key: 4 D1 round trips, 1 Stripe call", async () => {
		const counted = await shop.count(async (call) => {
			const res = await call(
				checkoutRequest({ items: ITEMS }, { "Idempotency-Key": crypto.randomUUID() }),
			);
			expect(res.status).toBe(200);
			return res.json<Answer>();
		});
		const { result, ...counts } = counted;
		expect({ ...counts, stripe: await stripeCallsAbout([result.orderId]) }).toEqual({
			d1: 4,
			queue: 0,
			stripe: 1,
		});
	});

	it("checkout, resume of an open session: 1 D1 round trip, 1 Stripe call", async () => {
		const { result: first } = await newCheckout();
		const before = await stripeCallsAbout([first.orderId, first.sessionId]);
		const { result, ...counts } = await shop.count(async (call) => {
			const res = await call(
				checkoutRequest({ items: ITEMS, orderId: first.orderId, resumeToken: first.resumeToken }),
			);
			expect(res.status).toBe(200);
			return res.json<Answer>();
		});
		expect(result.sessionId).toBe(first.sessionId);
		const stripe = (await stripeCallsAbout([first.orderId, first.sessionId])) - before;
		expect({ ...counts, stripe }).toEqual({ d1: 1, queue: 0, stripe: 1 });
	});

	it("checkout, the cancel page's Resume form: 2 D1 round trips, 1 Stripe call", async () => {
		const { result: first } = await newCheckout();
		const before = await stripeCallsAbout([first.orderId, first.sessionId]);
		const counts = await shop.count(async (call) => {
			const res = await call(
				new Request(`${ORIGIN}/create-checkout-session`, {
					method: "POST",
					headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: ORIGIN },
					body: new URLSearchParams({
						orderId: first.orderId,
						resumeToken: first.resumeToken,
					}).toString(),
					redirect: "manual",
				}),
			);
			expect(res.status).toBe(303);
		});
		const stripe = (await stripeCallsAbout([first.orderId, first.sessionId])) - before;
		expect({ d1: counts.d1, queue: counts.queue, stripe }).toEqual({ d1: 2, queue: 0, stripe: 1 });
	});

	it("webhook, a handled event of a known order: 2 D1 round trips, 1 queue send, 1 Stripe call", async () => {
		const { result: made } = await newCheckout();
		const completed = await paidAtStripe(made.sessionId);
		const before = await stripeCallsAbout([made.sessionId]);
		const counts = await shop.count(async (call) => {
			const res = await call(await webhookRequest(completed));
			expect(await res.json()).toEqual({ received: true, result: "processed" });
		});
		const stripe = (await stripeCallsAbout([made.sessionId])) - before;
		expect({ d1: counts.d1, queue: counts.queue, stripe }).toEqual({ d1: 2, queue: 1, stripe: 1 });
		expect((await getOrder(made.orderId)).status).toBe("paid");
	});

	it("webhook, a paid invoice of a subscription (SPEC 15): 2 D1 round trips, 1 queue send, 1 Stripe call (its snapshot)", async () => {
		const { cookie, address } = await signIn();
		const res = await fetchWithEnv(
			new Request(`${ORIGIN}/create-checkout-session`, {
				method: "POST",
				headers: {
					"content-type": "application/json",
					origin: ORIGIN,
					cookie: `account=${cookie}`,
				},
				body: JSON.stringify({ items: [{ productId: "coffee-box", quantity: 1 }] }),
			}),
			{},
		);
		const { sessionId } = await res.json<{ sessionId: string }>();
		const { subscription } = (await emulator.pay(sessionId)) as { subscription?: { id: string } };
		const subscriptionId = subscription?.id ?? "";
		const [paid] = (await emulator.events({ type: "invoice.paid" })).filter((e) =>
			JSON.stringify(e.data.object).includes(subscriptionId),
		);
		if (!paid) throw new Error(`no invoice.paid for ${subscriptionId} (${address})`);
		const before = await stripeCallsAbout([subscriptionId]);
		const counts = await shop.count(async (call) => {
			const answer = await call(await webhookRequest(paid));
			expect(await answer.json()).toEqual({ received: true, result: "processed" });
		});
		const stripe = (await stripeCallsAbout([subscriptionId])) - before;
		expect({ d1: counts.d1, queue: counts.queue, stripe }).toEqual({ d1: 2, queue: 1, stripe: 1 });
	});

	it("webhook, a duplicate delivery: 1 D1 round trip, no Stripe call", async () => {
		const { result: made } = await newCheckout();
		const completed = await paidAtStripe(made.sessionId);
		await shop.count(async (call) => (await call(await webhookRequest(completed))).arrayBuffer());
		const before = await stripeCallsAbout([made.sessionId]);
		const counts = await shop.count(async (call) => {
			const res = await call(await webhookRequest(completed));
			expect(await res.json()).toEqual({ received: true, result: "duplicate" });
		});
		const stripe = (await stripeCallsAbout([made.sessionId])) - before;
		expect({ d1: counts.d1, queue: counts.queue, stripe }).toEqual({ d1: 1, queue: 0, stripe: 0 });
	});

	it("GET /api/orders/by-session/:id of a final order: 1 D1 round trip, no Stripe call", async () => {
		const { result: made } = await newCheckout();
		const completed = await paidAtStripe(made.sessionId);
		await shop.count(async (call) => (await call(await webhookRequest(completed))).arrayBuffer());
		const before = await stripeCallsAbout([made.sessionId]);
		const counts = await shop.count(async (call) => {
			const res = await call(new Request(`${ORIGIN}/api/orders/by-session/${made.sessionId}`));
			expect(await res.json()).toMatchObject({ status: "paid", detailsPending: false });
		});
		const stripe = (await stripeCallsAbout([made.sessionId])) - before;
		expect({ d1: counts.d1, queue: counts.queue, stripe }).toEqual({ d1: 1, queue: 0, stripe: 0 });
	});

	it("the success page after a status change (the poll that sees it, then the page it reloads): 1 Stripe call in all", async () => {
		const { result: made } = await newCheckout();
		// Paid at Stripe; its event has not reached the shop: the page's poll finds it out.
		await paidAtStripe(made.sessionId);
		const before = await stripeCallsAbout([made.sessionId]);
		const poll = await shop.count(async (call) => {
			const res = await call(new Request(`${ORIGIN}/api/orders/by-session/${made.sessionId}`));
			expect(await res.json()).toMatchObject({ status: "paid" });
		});
		const page = await shop.count(async (call) => {
			const res = await call(
				new Request(`${ORIGIN}/success.html?session_id=${made.sessionId}`, {
					headers: { Accept: "text/html" },
				}),
			);
			expect(res.status).toBe(200);
			expect(await res.text()).toContain('data-status="paid"');
		});
		const stripe = (await stripeCallsAbout([made.sessionId])) - before;
		expect({ poll: poll.d1, page: page.d1, stripe }).toEqual({ poll: 4, page: 1, stripe: 1 });
	});

	it("one e-mail delivered by the queue consumer: 2 D1 round trips, no Stripe call", async () => {
		const { id } = await pendingEmail("order_confirmation", "en");
		const acked: string[] = [];
		const batch = {
			queue: "shop-emails",
			messages: [
				{
					id: "m1",
					timestamp: new Date(),
					attempts: 1,
					body: { emailId: id },
					ack: () => acked.push(id),
					retry: () => {},
				},
			],
			ackAll() {},
			retryAll() {},
		};
		const counts = await shop.count(async () => {
			await worker.queue(batch as never, shop.bindings, {
				waitUntil() {},
				passThroughOnException() {},
				props: {},
			} as never);
		});
		expect(acked).toEqual([id]);
		expect({ d1: counts.d1, queue: counts.queue }).toEqual({ d1: 2, queue: 0 });
	});
});
