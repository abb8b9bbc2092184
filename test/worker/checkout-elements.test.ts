/**
 * Paying on our own page (SPEC 16), the worker's side: `uiMode: "elements"` (or
 * CHECKOUT_UI=elements) makes the same Checkout Session with `ui_mode:
 * "elements"` and a `return_url`, and answers its `clientSecret` instead of a
 * url; a form post (no JavaScript) always goes to the hosted page; resume and
 * idempotency tell the two apart.
 */
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { fetchWithEnv } from "./helpers/app.ts";
import { ORIGIN } from "./helpers/checkout.ts";
import { getOrder } from "./helpers/db.ts";
import { stripe } from "./helpers/emulator.ts";
import { payAndDeliver } from "./helpers/paid-order.ts";

const ITEMS = [{ productId: "espresso-beans", quantity: 1 }];
/** The on-page form needs Stripe.js, so the publishable key of the secret key's mode. */
const ELEMENTS_ENV = { CHECKOUT_UI: "elements", STRIPE_PUBLISHABLE_KEY: "pk_test_elements" };
type Answer = {
	orderId: string;
	sessionId: string;
	resumeToken: string;
	url?: string;
	clientSecret?: string;
};

function checkout(body: object, env: Record<string, string> = {}, headers: HeadersInit = {}) {
	const request = new Request(`${ORIGIN}/create-checkout-session`, {
		method: "POST",
		headers: { "content-type": "application/json", ...headers },
		body: JSON.stringify(body),
	});
	return Object.keys(env).length > 0 ? fetchWithEnv(request, env) : exports.default.fetch(request);
}

describe("a checkout paid on our page", () => {
	it("is a Checkout Session with ui_mode elements and a return_url, answered with its client secret", async () => {
		const res = await checkout({ items: ITEMS, uiMode: "elements" });
		expect(res.status).toBe(200);
		const answer = await res.json<Answer>();
		expect(Object.keys(answer).sort()).toEqual([
			"clientSecret",
			"orderId",
			"resumeToken",
			"sessionId",
		]);
		const session = await stripe().checkout.sessions.retrieve(answer.sessionId);
		expect(session).toMatchObject({
			ui_mode: "elements",
			return_url: `${ORIGIN}/success.html?session_id={CHECKOUT_SESSION_ID}`,
			success_url: null,
			cancel_url: null,
			client_secret: answer.clientSecret,
			metadata: { order_id: answer.orderId },
		});

		// Paid there (as Stripe.js would confirm it), its events make the order paid as for hosted.
		await payAndDeliver(answer.sessionId);
		expect((await getOrder(answer.orderId)).status).toBe("paid");
	});

	it("is the default with CHECKOUT_UI=elements, and uiMode hosted still gets Stripe's page", async () => {
		const env = ELEMENTS_ENV;
		const byDefault = await (await checkout({ items: ITEMS }, env)).json<Answer>();
		expect(byDefault.clientSecret).toMatch(/_secret_/);
		expect(byDefault.url).toBeUndefined();
		const hosted = await (await checkout({ items: ITEMS, uiMode: "hosted" }, env)).json<Answer>();
		expect(hosted.url).toMatch(/\/pay\/cs_/);
		expect(hosted.clientSecret).toBeUndefined();
	});

	it("never applies to a form post: without JavaScript the shopper goes to the hosted page", async () => {
		const res = await fetchWithEnv(
			new Request(`${ORIGIN}/create-checkout-session`, {
				method: "POST",
				headers: {
					"content-type": "application/x-www-form-urlencoded",
					origin: ORIGIN,
					"sec-fetch-site": "same-origin",
				},
				body: new URLSearchParams({ productId: "espresso-beans", quantity: "1" }),
				redirect: "manual",
			}),
			ELEMENTS_ENV,
		);
		expect(res.status).toBe(303);
		expect(res.headers.get("location")).toMatch(/\/pay\/cs_/);
	});

	it("resumes the same session with its secret, and a hosted request starts a hosted one", async () => {
		const first = await (await checkout({ items: ITEMS, uiMode: "elements" })).json<Answer>();
		const resume = { orderId: first.orderId, resumeToken: first.resumeToken };
		const again = await (
			await checkout({ items: ITEMS, uiMode: "elements", ...resume })
		).json<Answer>();
		expect(again).toEqual(first);
		const hosted = await (
			await checkout({ items: ITEMS, uiMode: "hosted", ...resume })
		).json<Answer>();
		expect(hosted.sessionId).not.toBe(first.sessionId);
		expect(hosted.url).toMatch(/\/pay\/cs_/);
		// One cart, one payable session: the on-page one was closed and its order replaced.
		const old = await stripe().checkout.sessions.retrieve(first.sessionId);
		expect(old.status).toBe("expired");
		expect(await getOrder(first.orderId)).toMatchObject({
			status: "canceled",
			failureCode: "superseded",
		});
		// And back: the hosted one is closed in turn, for a new on-page session.
		const back = await (
			await checkout({
				items: ITEMS,
				uiMode: "elements",
				orderId: hosted.orderId,
				resumeToken: hosted.resumeToken,
			})
		).json<Answer>();
		expect(back.clientSecret).toMatch(/_secret_/);
		expect((await stripe().checkout.sessions.retrieve(hosted.sessionId)).status).toBe("expired");
		// Each replaced order names the one that took its cart over.
		expect((await getOrder(first.orderId)).replacedBy).toBe(hosted.orderId);
		expect((await getOrder(hosted.orderId)).replacedBy).toBe(back.orderId);
	});

	it("leads an old link to the order that took its cart over, and never offers to pay it twice", async () => {
		const first = await (await checkout({ items: ITEMS, uiMode: "elements" })).json<Answer>();
		const old = { orderId: first.orderId, resumeToken: first.resumeToken };
		// The shopper switches to Stripe's page in another tab and pays there.
		const hosted = await (
			await checkout({ items: ITEMS, uiMode: "hosted", ...old })
		).json<Answer>();
		const oldLink = new URLSearchParams({ order_id: first.orderId, token: first.resumeToken });
		const newLink = new URLSearchParams({ order_id: hosted.orderId, token: hosted.resumeToken });
		const page = (path: string) =>
			exports.default.fetch(`${ORIGIN}${path}`, { redirect: "manual" });
		// Still open: the old link's pages and its resume are the newer order's.
		expect((await page(`/pay.html?${oldLink}`)).headers.get("location")).toBe(
			`/pay.html?${newLink}`,
		);
		expect((await page(`/cancel.html?${oldLink}`)).headers.get("location")).toBe(
			`/cancel.html?${newLink}`,
		);
		await payAndDeliver(hosted.sessionId);
		// Paid: resuming the old link is refused, and its pages say the order is paid.
		const again = await checkout({ items: ITEMS, uiMode: "elements", ...old });
		expect(again.status).toBe(409);
		expect(await again.json()).toMatchObject({ error: { code: "order_already_paid" } });
		const cancel = await page(`/cancel.html?${newLink}`);
		expect(/id="cancel-heading"[^>]*>([^<]*)</.exec(await cancel.text())?.[1]).toBe(
			"This order is paid.",
		);
		// A wrong token follows nothing.
		const forged = new URLSearchParams({ order_id: first.orderId, token: "forged" });
		expect((await page(`/pay.html?${forged}`)).status).toBe(200);
	});

	it("needs a publishable key of the secret key's mode, said by /healthz", async () => {
		for (const [key, why] of [
			["", /is needed with CHECKOUT_UI=elements/],
			["pk_live_other", /same mode/],
		] as const) {
			const env = { CHECKOUT_UI: "elements", STRIPE_PUBLISHABLE_KEY: key };
			const res = await checkout({ items: ITEMS }, env);
			expect(res.status).toBe(500);
			const { error } = await res.json<{ error: { code: string; message: string } }>();
			expect(error.code).toBe("config_invalid");
			expect(error.message).toMatch(why);
			const health = await fetchWithEnv(new Request(`${ORIGIN}/healthz`), env);
			expect(await health.json()).toEqual({ ok: false, problems: ["STRIPE_PUBLISHABLE_KEY"] });
		}
	});

	it("refuses another uiMode under the same Idempotency-Key, an unknown uiMode, and a bad CHECKOUT_UI", async () => {
		const key = { "Idempotency-Key": crypto.randomUUID() };
		expect((await checkout({ items: ITEMS, uiMode: "elements" }, {}, key)).status).toBe(200);
		const reused = await checkout({ items: ITEMS, uiMode: "hosted" }, {}, key);
		expect(reused.status).toBe(422);
		expect(await reused.json()).toMatchObject({ error: { code: "idempotency_key_reused" } });

		const unknown = await checkout({ items: ITEMS, uiMode: "embedded" });
		expect(unknown.status).toBe(400);
		expect(await unknown.json()).toMatchObject({ error: { code: "invalid_cart" } });

		const misconfigured = await checkout({ items: ITEMS }, { CHECKOUT_UI: "sideways" });
		expect(misconfigured.status).toBe(500);
		expect(await misconfigured.json()).toMatchObject({ error: { code: "config_invalid" } });
		const health = await fetchWithEnv(new Request(`${ORIGIN}/healthz`), {
			CHECKOUT_UI: "sideways",
		});
		expect(await health.json()).toMatchObject({ ok: false, problems: ["CHECKOUT_UI"] });
	});
});
