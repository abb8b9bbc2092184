/**
 * The README's quick start: `npm run dev` with no Stripe account, the built-in
 * emulator, and a `.dev.vars` holding only what a newcomer sets first.
 */
import { randomBytes } from "node:crypto";
import { emulatorClient } from "stripe-emulator/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	copyProject,
	freePort,
	type Running,
	removeProject,
	start,
	writeDevVars,
} from "./support/project.ts";
import { admin, checkoutOk, orderStatus } from "./support/shop.ts";

describe("npm run dev with the built-in emulator", () => {
	const adminToken = randomBytes(24).toString("hex");
	let dir: string;
	let shop: Running | undefined;
	let port: number;
	let emulatorPort: number;

	const startShop = async () => {
		shop = await start(dir, ["npm", "run", "dev"], {
			port,
			env: { PORT: String(port), EMULATOR_PORT: String(emulatorPort) },
		});
		return shop;
	};

	beforeAll(async () => {
		dir = copyProject();
		port = await freePort();
		emulatorPort = await freePort();
		writeDevVars(dir, {
			ADMIN_TOKEN: adminToken,
			RECONCILE_GRACE_SECONDS: "0",
			// The on-page form, offline: the emulator's Stripe.js stand-in takes the card.
			CHECKOUT_UI: "elements",
		});
		await startShop();
	});

	afterAll(async () => {
		await shop?.stop();
		if (dir) removeProject(dir);
	});

	it("says what runs where and which settings are active, by name only, without alarming warnings", () => {
		const output = shop?.output() ?? "";
		expect(output).toContain(`Shop      http://localhost:${port}/`);
		expect(output).toContain(`local emulator at http://127.0.0.1:${emulatorPort}`);
		expect(output).toContain(
			"Settings  from .dev.vars: ADMIN_TOKEN, CHECKOUT_UI, RECONCILE_GRACE_SECONDS",
		);
		expect(output).not.toContain(adminToken);
		expect(output).toContain("promotion codes: WELCOME10 (10 % off), BEANS5 ($5.00 off)");
		expect(output).not.toContain("Missing required secrets");
		expect(output).not.toContain("Request.cf");
	});

	it("keeps customer accounts off without SESSION_SECRET: /api/account/* is 404 and no page links to an account", async () => {
		const url = shop?.url ?? "";
		for (const [method, path] of [
			["GET", "/api/account"],
			["POST", "/api/account/sign-in"],
		] as const) {
			const res = await fetch(`${url}${path}`, {
				method,
				headers: { "content-type": "application/json", origin: url },
				...(method === "POST" && { body: JSON.stringify({ email: "a@example.com" }) }),
			});
			expect(res.status, path).toBe(404);
		}
		expect((await fetch(`${url}/account.html`)).status).toBe(404);
		expect(await (await fetch(`${url}/`)).text()).not.toContain("account-link");
	});

	it("sells through our payment page with CHECKOUT_UI=elements: Stripe.js and its card frame from the emulator", async () => {
		const shopUrl = `http://localhost:${port}`;
		const emulatorUrl = `http://127.0.0.1:${emulatorPort}`;
		expect(await (await fetch(`${shopUrl}/api/config`)).json()).toEqual({
			publishableKey: "pk_test_emulator",
			checkoutUi: "elements",
			stripeJsUrl: `${emulatorUrl}/js/stripe.js`,
		});
		// The storefront's request names no uiMode: the shop's setting decides.
		const res = await fetch(`${shopUrl}/create-checkout-session`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ items: [{ productId: "espresso-beans", quantity: 1 }] }),
		});
		const checkout = (await res.json()) as {
			orderId: string;
			sessionId: string;
			resumeToken: string;
			clientSecret: string;
		};
		expect(checkout.clientSecret).toMatch(new RegExp(`^${checkout.sessionId}_secret_`));
		const page = await fetch(
			`${shopUrl}/pay.html?${new URLSearchParams({ order_id: checkout.orderId, token: checkout.resumeToken })}`,
		);
		const html = await page.text();
		expect(html).toContain(`<script src="${emulatorUrl}/js/stripe.js"></script>`);
		expect(html).toContain('data-publishable-key="pk_test_emulator"');

		// What the Payment Element's frame sends when the shopper presses Pay.
		const confirm = await fetch(`${emulatorUrl}/js/checkout/${checkout.sessionId}/confirm`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({
				clientSecret: checkout.clientSecret,
				locale: "en",
				card: { number: "4242 4242 4242 4242", expiry: "12 / 34", cvc: "123" },
				email: "ada@example.com",
				phoneNumber: "+12125550123",
				shippingAddress: {
					name: "Ada Lovelace",
					address: {
						line1: "350 Fifth Avenue",
						city: "New York",
						postal_code: "10118",
						state: "NY",
						country: "US",
					},
				},
			}),
		});
		expect(confirm.status, await confirm.clone().text()).toBe(200);
		expect(((await confirm.json()) as { returnUrl: string }).returnUrl).toBe(
			`${shopUrl}/success.html?session_id=${checkout.sessionId}`,
		);
		await emulatorClient(emulatorUrl).drain();
		expect(await orderStatus(shopUrl, checkout.orderId)).toBe("paid");
	});

	it("keeps the emulator's payments across a restart, so an order paid before it can be refunded after", async () => {
		const control = emulatorClient(`http://127.0.0.1:${emulatorPort}`);
		const { orderId, sessionId } = await checkoutOk(`http://localhost:${port}`, [
			{ productId: "espresso-beans", quantity: 1 },
		]);
		// wrangler.toml ships the beans: the emulator's default address and first rate.
		const paid = await control.pay(sessionId);
		expect(paid.session.shipping_cost?.amount_total).toBe(500);
		await control.drain();
		expect(await orderStatus(`http://localhost:${port}`, orderId)).toBe("paid");
		// The emulator forwards only the events the worker handles, as `npm run stripe:listen` does.
		expect(shop?.output()).not.toContain("unhandled event type");
		expect(shop?.output()).toContain("order fact applied");

		await shop?.stop();
		const restarted = await startShop();
		const refund = await admin(restarted.url, adminToken, `/orders/${orderId}/refund`, {});
		expect(refund.status, await refund.clone().text()).toBe(200);
		// The rest of what was charged: the beans and their shipping.
		expect(await refund.json()).toMatchObject({ amount: 2900 });
	});
});
