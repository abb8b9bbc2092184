/**
 * /pay.html as the worker serves it (SPEC 9, 16): Stripe.js (the emulator's
 * stand-in with a test key and STRIPE_API_BASE, js.stripe.com otherwise) and
 * the CSP exception on this page alone; the shop's facts for the page; the
 * hosted form for the same order; no Stripe.js for a link naming no order;
 * an order with nothing to pay sent to the page that says so.
 */
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { configOf, STRIPE_JS_URL } from "../../src/config.ts";
import { contentSecurityPolicy, stripeJsSources } from "../../src/routes/security-headers.ts";
import { fetchWithEnv } from "./helpers/app.ts";
import { ORIGIN } from "./helpers/checkout.ts";
import { insertProduct } from "./helpers/db.ts";
import { payAndDeliver } from "./helpers/paid-order.ts";

const EMULATOR = new URL(env.STRIPE_API_BASE).origin;
type Answer = { orderId: string; sessionId: string; resumeToken: string; clientSecret: string };

async function elementsCheckout(items = [{ productId: "espresso-beans", quantity: 1 }]) {
	const res = await exports.default.fetch(`${ORIGIN}/create-checkout-session`, {
		method: "POST",
		headers: { "content-type": "application/json" },
		body: JSON.stringify({ items, uiMode: "elements" }),
	});
	expect(res.status).toBe(200);
	return res.json<Answer>();
}

/** The shop's countries (the worker tests' own setting has none: carts priced alone). */
const SHIPS = { SHIPPING_COUNTRIES: "US,CA,GB,FR,DE,JP" };

const payPage = (orderId: string, token: string, lang = "en", vars: Record<string, string> = {}) =>
	fetchWithEnv(
		new Request(`${ORIGIN}/pay.html?${new URLSearchParams({ order_id: orderId, token, lang })}`, {
			redirect: "manual",
		}),
		vars,
	);

const hiddenValue = (html: string, name: string) =>
	new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1];

describe("the payment page", () => {
	it("loads the emulator's Stripe.js for a test key, with the order's hosted form and the shop's facts", async () => {
		const answer = await elementsCheckout();
		const res = await payPage(answer.orderId, answer.resumeToken, "fr", SHIPS);
		expect(res.status).toBe(200);
		const html = await res.text();
		expect(html).toContain(`<script src="${EMULATOR}/js/stripe.js"></script>`);
		expect(html).toMatch(/<body[^>]* data-publishable-key="pk_test_publishable"/);
		expect(html).toMatch(/<body[^>]* data-promotion-codes="on"/);
		// Espresso beans ship: the page asks an address in the shop's countries.
		expect(html).toMatch(/<body[^>]* data-ships-to="US,CA,GB,FR,DE,JP"/);
		expect(html).toMatch(/<form id="hosted-form"(?![^>]*hidden)[^>]*>/);
		expect(hiddenValue(html, "orderId")).toBe(answer.orderId);
		expect(hiddenValue(html, "resumeToken")).toBe(answer.resumeToken);
		expect(hiddenValue(html, "locale")).toBe("fr");
		expect(html).toMatch(/<html lang="fr"/);
		expect(/id="pay-hosted"[^>]*>([^<]*)</.exec(html)?.[1]).toBe(
			"Payer sur la page sécurisée de Stripe",
		);
		// Its CSP lets the stand-in's script, frame and calls in, and nothing else.
		expect(res.headers.get("content-security-policy")).toBe(
			contentSecurityPolicy(EMULATOR, stripeJsSources(`${EMULATOR}/js/stripe.js`)),
		);
		expect(res.headers.get("content-security-policy")).toContain(`frame-src ${EMULATOR}`);
		expect(res.headers.get("content-security-policy")).toContain(`script-src 'self' ${EMULATOR};`);
	});

	it("is the only page whose CSP names Stripe.js: every other page keeps script-src 'self' and no frames", async () => {
		for (const path of ["/", "/success.html", "/cancel.html", "/admin.html", "/api/config"]) {
			const csp = (await exports.default.fetch(`${ORIGIN}${path}`)).headers.get(
				"content-security-policy",
			);
			expect([path, csp]).toEqual([path, contentSecurityPolicy(EMULATOR)]);
			expect(csp).not.toContain("frame-src");
			expect(csp).toContain("script-src 'self';");
		}
	});

	it("gives a link naming no order (or a wrong token) no Stripe.js and no form, only what is true", async () => {
		const answer = await elementsCheckout();
		for (const query of ["", `?order_id=${answer.orderId}&token=forged`]) {
			const res = await exports.default.fetch(`${ORIGIN}/pay.html${query}`);
			expect(res.status).toBe(200);
			const html = await res.text();
			expect(html).not.toContain("/js/stripe.js");
			expect(html).not.toContain("data-publishable-key");
			expect(html).toMatch(/<form id="hosted-form"[^>]* hidden>/);
			expect(/id="pay-unavailable"[^>]*>([^<]*)</.exec(html)?.[1]).toBe(
				"This payment link is not valid. Go back to the shop to start a payment.",
			);
			expect(hiddenValue(html, "resumeToken")).toBe("");
		}
	});

	it("sends an order with nothing left to pay to the page that says so", async () => {
		const answer = await elementsCheckout();
		await payAndDeliver(answer.sessionId);
		const res = await payPage(answer.orderId, answer.resumeToken);
		expect(res.status).toBe(303);
		expect(res.headers.get("location")).toBe(
			`/cancel.html?order_id=${answer.orderId}&token=${encodeURIComponent(answer.resumeToken)}&lang=en`,
		);
	});

	it("asks no address for an order of digital goods only", async () => {
		const digital = await insertProduct(null, 900);
		const answer = await elementsCheckout([{ productId: digital, quantity: 1 }]);
		const html = await (await payPage(answer.orderId, answer.resumeToken, "en", SHIPS)).text();
		expect(html).toContain('data-publishable-key="pk_test_publishable"');
		expect(html).not.toContain("data-ships-to");
	});
});

describe("the storefront under each CHECKOUT_UI", () => {
	it("says where the shopper will pay: Stripe's page, or ours with Stripe's card form", async () => {
		const finePrint = async (vars: Record<string, string>) => {
			const res = await fetchWithEnv(new Request(`${ORIGIN}/?lang=en`), { ...SHIPS, ...vars });
			const html = await res.text();
			return [
				/class="fine-print"[^>]*>([^<]*)</.exec(html)?.[1],
				/id="ship-to-hint"[^>]*>([^<]*)</.exec(html)?.[1],
			];
		};
		expect(await finePrint({})).toEqual([
			"You pay on Stripe's secure checkout page. Card details never touch this site.",
			"Stripe's page asks for an address there and offers its delivery options.",
		]);
		expect(await finePrint({ CHECKOUT_UI: "elements" })).toEqual([
			"You pay on our page, in Stripe's secure card form. Card details go to Stripe, never to this site.",
			"The payment page asks for an address there and offers its delivery options.",
		]);
	});
});

describe("where Stripe.js comes from", () => {
	const settings = {
		STRIPE_WEBHOOK_SECRET: "whsec_x",
		STRIPE_API_BASE: "http://127.0.0.1:12111",
	};

	it("is the emulator's stand-in only for a test key, a test publishable key and STRIPE_API_BASE", () => {
		const test = configOf({
			...settings,
			STRIPE_SECRET_KEY: "sk_test_x",
			STRIPE_PUBLISHABLE_KEY: "pk_test_x",
		});
		expect(test.stripeJsUrl).toBe("http://127.0.0.1:12111/js/stripe.js");
		const noBase = configOf({
			STRIPE_SECRET_KEY: "sk_test_x",
			STRIPE_PUBLISHABLE_KEY: "pk_test_x",
			STRIPE_WEBHOOK_SECRET: "whsec_x",
		});
		expect(noBase.stripeJsUrl).toBe(STRIPE_JS_URL);
		// A live publishable key beside a test secret key and the emulator: still Stripe's own.
		const livePage = configOf({
			...settings,
			STRIPE_SECRET_KEY: "sk_test_x",
			STRIPE_PUBLISHABLE_KEY: "pk_live_x",
		});
		expect(livePage.stripeJsUrl).toBe(STRIPE_JS_URL);
		expect(STRIPE_JS_URL).toBe("https://js.stripe.com/endive/stripe.js");
	});

	it("lets Stripe's origins into the live page's CSP, exactly those of Stripe's security guide", async () => {
		const res = await fetchWithEnv(
			new Request(`${ORIGIN}/pay.html`),
			// STRIPE_API_BASE unset: the shop talks to Stripe itself.
			{ STRIPE_API_BASE: "" },
		);
		const csp = res.headers.get("content-security-policy") ?? "";
		expect(csp).toContain("script-src 'self' https://js.stripe.com https://*.js.stripe.com;");
		expect(csp).toContain(
			"frame-src https://js.stripe.com https://*.js.stripe.com https://hooks.stripe.com;",
		);
		expect(csp).toContain("connect-src 'self' https://api.stripe.com;");
		expect(res.headers.get("permissions-policy")).toContain(
			'payment=(self "https://js.stripe.com")',
		);
	});
});
