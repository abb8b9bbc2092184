import { env, exports } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { orders } from "../../src/db/schema.ts";
import { securityHeaderList } from "../../src/routes/security-headers.ts";
import { CATALOGUES } from "../support/catalogues.ts";
import { fetchWithEnv } from "./helpers/app.ts";
import { ORIGIN } from "./helpers/checkout.ts";
import { db, insertOrder } from "./helpers/db.ts";

describe("HTML pages", () => {
	for (const path of ["/", "/index.html", "/success.html", "/cancel.html", "/admin.html"]) {
		it(`serves ${path} with the security headers and no inline script`, async () => {
			const res = await exports.default.fetch(`${ORIGIN}${path}`);
			expect(res.status).toBe(200);
			expect(res.headers.get("content-type")).toContain("text/html");
			const csp = res.headers.get("content-security-policy") ?? "";
			expect(csp).toContain("default-src 'self'");
			expect(csp).toContain("script-src 'self'");
			expect(csp).toContain("frame-ancestors 'none'");
			expect(csp).toMatch(/form-action 'self' https:\/\/checkout\.stripe\.com/);
			expect(res.headers.get("strict-transport-security")).toContain("max-age=");
			expect(res.headers.get("x-content-type-options")).toBe("nosniff");
			expect(res.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
			// Every header of the one list (public/_headers carries the same for static files).
			for (const [name, value] of securityHeaderList(new URL(env.STRIPE_API_BASE).origin))
				expect([name, res.headers.get(name)]).toEqual([name, value]);
			const body = await res.text();
			// Every <script> loads a file of ours, or is a JSON data block that never runs
			// (the page's messages): no inline code, no third party.
			const scripts = body.match(/<script\b[^>]*>[\s\S]*?<\/script>/g) ?? [];
			const dataBlocks = scripts.filter((tag) => /^<script type="application\/json"/.test(tag));
			for (const block of dataBlocks) {
				expect(() =>
					JSON.parse(block.replace(/^<script[^>]*>/, "").replace("</script>", "")),
				).not.toThrow();
			}
			for (const tag of scripts.filter((t) => !dataBlocks.includes(t))) {
				expect(tag).toMatch(/src="\/js\/[\w-]+\.js"/);
				expect(
					tag
						.replace(/<script\b[^>]*>/, "")
						.replace("</script>", "")
						.trim(),
				).toBe("");
			}
			expect(body).not.toMatch(/\son[a-z]+=/i);
		});
	}

	// The shell (src/pages/shell.ts) is written by the worker around each page's own content.
	for (const [path, sheet, end] of [
		[
			"/",
			"shop",
			/<nav id="lang-switch" class="lang-switch" aria-label="Language"><a href="\/\?lang=en"/,
		],
		["/success.html", "shop", /<nav id="lang-switch"/],
		["/cancel.html", "shop", /<nav id="lang-switch"/],
		["/admin.html", "console", /<span class="header-tag">Admin<\/span>/],
	] as const) {
		it(`writes the shell around ${path}: head first, base.css before its own sheet, skip link, brand, footer`, async () => {
			const body = await (await exports.default.fetch(`${ORIGIN}${path}`)).text();
			expect(body).toMatch(/<head>\s*<meta charset="utf-8" \/>\s*<meta name="viewport"/);
			expect(body).toMatch(
				new RegExp(`css/base\\.css" />[\\s\\S]*<link rel="stylesheet" href="/css/${sheet}\\.css"`),
			);
			expect(body).toMatch(/<body[^>]*>\s*<a class="skip-link" href="#main">Skip to content<\/a>/);
			expect(body).toMatch(
				/<div class="wrap header-inner"><a class="brand" href="\/"><img src="\/favicon.svg" alt="" width="28" height="28" \/><span>Bean &amp; Leaf<\/span><\/a>/,
			);
			expect(body).toMatch(end);
			if (sheet === "shop")
				// Who sells: before the owner's first save, wrangler.toml's SHOP_NAME; no contact set.
				expect(body).toContain(
					`<footer class="site-footer"><div class="wrap"><p>Bean &amp; Leaf</p></div></footer>`,
				);
			else expect(body).not.toContain("site-footer");
		});
	}

	it("tells the storefront how prices stand to tax: added by Stripe (AUTOMATIC_TAX=on), or none", async () => {
		const storefront = async (value: string) => {
			const res = await fetchWithEnv(new Request(`${ORIGIN}/`), { AUTOMATIC_TAX: value });
			const html = await res.text();
			return {
				taxes: /<body data-taxes="([a-z]+)"/.exec(html)?.[1],
				// Without JavaScript, the price says it too.
				price: /<p class="price">([^<]*)<\/p>/.exec(html)?.[1],
			};
		};
		expect(await storefront("on")).toEqual({ taxes: "added", price: "¥1,500 excl. tax" });
		expect(await storefront("off")).toEqual({ taxes: "none", price: "¥1,500" });
	});

	it("lets forms go to the emulator in local mode only", async () => {
		const local = await exports.default.fetch(`${ORIGIN}/`);
		expect(local.headers.get("content-security-policy")).toContain(
			new URL(env.STRIPE_API_BASE).origin,
		);
		const prod = await fetchWithEnv(new Request(`${ORIGIN}/`), { STRIPE_API_BASE: "" });
		expect(prod.headers.get("content-security-policy")).not.toContain("127.0.0.1");
	});

	it("sells without JavaScript: a Buy now form per active product inside <noscript>", async () => {
		const body = await (await exports.default.fetch(`${ORIGIN}/`)).text();
		const noscript = body.match(/<noscript>([\s\S]*?)<\/noscript>/)?.[1] ?? "";
		const forms = noscript.match(/<form method="post" action="\/create-checkout-session">/g) ?? [];
		const listed = await (await exports.default.fetch(`${ORIGIN}/api/products`)).json<{
			products: unknown[];
		}>();
		expect(listed.products.length).toBeGreaterThan(4);
		expect(forms.length).toBe(listed.products.length);
		expect(noscript).toContain('value="brewing-guide"');
		expect(noscript).toContain('value="matcha-tin"');
		expect(noscript).toContain("¥1,500");
		expect(noscript).toContain("$24.00");
		expect(noscript).not.toContain("retired-grinder");
	});
});

describe("the success page without JavaScript", () => {
	const successPage = async (sessionId: string, language = "en") =>
		(
			await exports.default.fetch(`${ORIGIN}/success.html?session_id=${sessionId}`, {
				headers: { "accept-language": language },
			})
		).text();

	it("shows the order's real state, items and total, and refreshes itself while it is not final", async () => {
		const order = await insertOrder();
		const pending = await successPage(order.stripeCheckoutSessionId ?? "");
		expect(pending).toContain('data-status="pending"');
		const statusText = (html: string) => /id="status-text"[^>]*>([^<]*)</.exec(html)?.[1];
		expect(statusText(pending)).toBe(CATALOGUES.en["success.pending"]);
		expect(pending).toContain('<th scope="row">Espresso beans, 1 kg</th>');
		// Before Stripe reports the payment, the items' price is all that is known: no total yet
		// (Stripe's page may add shipping and tax), never one that a moment later is wrong.
		expect(pending).toMatch(/id="order-subtotal">\$48\.00</);
		expect(pending).not.toContain('id="order-total"');
		expect(pending).toContain('<noscript><meta http-equiv="refresh" content="5" /></noscript>');

		// Paid, with what the completed session reported (a payment still waiting for it refreshes).
		await db
			.update(orders)
			.set({ status: "paid", paidAt: Date.now(), checkoutCompleted: true })
			.where(eq(orders.id, order.id));
		const paid = await successPage(order.stripeCheckoutSessionId ?? "", "fr-FR");
		expect(paid).toContain('data-status="paid"');
		expect(statusText(paid)).toBe(CATALOGUES.fr["success.paid"]);
		expect(paid).toMatch(/id="order-total"><strong>48,00\s\$US<\/strong>/);
		expect(paid).not.toContain('http-equiv="refresh"');
	});

	it("tells the shopper our own reason for a decline, never Stripe's text for merchants", async () => {
		const order = await insertOrder({
			status: "failed",
			failureCode: "insufficient_funds",
			failureMessage: "Your card has insufficient funds.",
		});
		const html = await successPage(order.stripeCheckoutSessionId ?? "", "fr");
		expect(html).toContain(CATALOGUES.fr["decline.insufficient_funds"]);
	});

	it("says a session it does not know leads nowhere", async () => {
		const html = await successPage("cs_test_unknown_session");
		expect(html).toContain('data-status="not_found"');
		expect(html).toContain(CATALOGUES.en["success.notFound"]);
	});
});

describe("the cancel page without JavaScript", () => {
	it("holds a real Resume form with the order, its token and the page's language, and the order's summary", async () => {
		const order = await insertOrder();
		const query = new URLSearchParams({ order_id: order.id, token: order.resumeToken ?? "" });
		const html = await (
			await exports.default.fetch(`${ORIGIN}/cancel.html?${query}`, {
				headers: { "accept-language": "fr" },
			})
		).text();
		expect(html).toContain(
			'<form id="resume-form" method="post" action="/create-checkout-session">',
		);
		expect(html).toContain(`name="orderId" value="${order.id}"`);
		expect(html).toContain(`name="resumeToken" value="${order.resumeToken}"`);
		expect(html).toContain('name="locale" value="fr"');
		expect(html).toMatch(/id="cancel-summary" class="status-detail">2 articles · 48,00\s\$US</);
		expect(html).toContain(CATALOGUES.fr["cancel.pending.heading"]);
	});

	const withoutCatalogue = (html: string) =>
		html.replace(/<script type="application\/json" id="messages">[\s\S]*?<\/script>/, "");

	/** The cancel page of an order in this state, as the shopper's resume link opens it. */
	async function cancelPageOf(fields: Parameters<typeof insertOrder>[0], language = "en") {
		const order = await insertOrder(fields);
		const query = new URLSearchParams({ order_id: order.id, token: order.resumeToken ?? "" });
		const html = await (
			await exports.default.fetch(`${ORIGIN}/cancel.html?${query}`, {
				headers: { "accept-language": language },
			})
		).text();
		const text = (id: string) =>
			new RegExp(`id="${id}"[^>]*>([^<]*)<`).exec(html)?.[1]?.trim() ?? null;
		return {
			order,
			// What the page shows: the catalogue its scripts read (every text of every state) left out.
			html: withoutCatalogue(html),
			heading: text("cancel-heading"),
			detail: text("cancel-detail"),
			resume: !/<form id="resume-form"[^>]*hidden/.test(html),
			button: text("resume"),
			/** The status panel's look: a spinner only where something is on its way. */
			look: /id="cancel-status-panel" [^>]*data-status="([^"]+)"/.exec(html)?.[1],
			viewOrder: /<a id="view-order" [^>]*hidden/.test(html)
				? null
				: (/<a id="view-order" [^>]*href="([^"]+)"/.exec(html)?.[1] ?? null),
		};
	}

	const en = CATALOGUES.en;
	it.each([
		// Left on Stripe's page: nothing is loading here, so no spinner.
		["pending", {}, "pending", "cancel.resume", "canceled"],
		[
			"declined",
			{ status: "failed", failureCode: "card_declined" },
			"failed",
			"cancel.retry",
			"failed",
		],
		["expired", { status: "expired" }, "ended", "cancel.startAgain", "expired"],
		[
			"superseded",
			{ status: "canceled", failureCode: "superseded" },
			"ended",
			"cancel.startAgain",
			"canceled",
		],
		[
			"never reached Stripe",
			{ status: "canceled", failureCode: "stripe_unavailable" },
			"ended",
			"cancel.startAgain",
			"canceled",
		],
	] as const)(
		"says a %s order's checkout is not paid, and offers to pay it",
		async (_, fields, state, button, look) => {
			const page = await cancelPageOf(fields);
			expect(page.look).toBe(look);
			expect(page.heading).toBe(en[`cancel.${state}.heading`]);
			expect(page.detail).toBe(en[`cancel.${state}.detail`]);
			expect(page.resume).toBe(true);
			expect(page.button).toBe(en[button]);
			expect(page.viewOrder).toBeNull();
		},
	);

	it.each([
		["paid", { status: "paid" }, "paid", "paid"],
		["shipped", { status: "fulfilled" }, "paid", "fulfilled"],
		["processing", { status: "processing" }, "processing", "processing"],
		["refunded", { status: "refunded", amountRefunded: 4800 }, "refunded", "refunded"],
		// A person decides, in hours: waiting, but not a page loading.
		[
			"held for a check",
			{ status: "pending", failureCode: "amount_mismatch" },
			"review",
			"processing",
		],
		[
			"refunded after a check",
			{ status: "canceled", failureCode: "amount_mismatch" },
			"returned",
			"canceled",
		],
	] as const)(
		"says a %s order is not to be paid again: no Resume, a link to its page, never 'nothing was charged'",
		async (_, fields, state, look) => {
			const page = await cancelPageOf(fields);
			expect(page.look).toBe(look);
			expect(page.heading).toBe(en[`cancel.${state}.heading`]);
			expect(page.detail).toBe(en[`cancel.${state}.detail`]);
			expect(page.resume).toBe(false);
			expect(page.viewOrder).toBe(
				`/success.html?session_id=${page.order.stripeCheckoutSessionId}&amp;lang=en`,
			);
			expect(page.html.toLowerCase()).not.toContain("nothing was charged");
		},
	);

	it("says the decline's reason in the shopper's language", async () => {
		const page = await cancelPageOf({ status: "failed", failureCode: "insufficient_funds" }, "fr");
		expect(page.heading).toBe(CATALOGUES.fr["cancel.failed.heading"]);
		expect(page.html).toContain(CATALOGUES.fr["decline.insufficient_funds"]);
	});

	it("shows nothing of an order to a link without its token", async () => {
		const order = await insertOrder();
		const query = new URLSearchParams({ order_id: order.id, token: "not-its-token" });
		const html = await (await exports.default.fetch(`${ORIGIN}/cancel.html?${query}`)).text();
		expect(html).toContain(
			'<form id="resume-form" method="post" action="/create-checkout-session" hidden>',
		);
		// (The language switch repeats the link's own query; the order's details stay out.)
		expect(html).toContain('name="orderId" value=""');
		expect(html).toContain('<p id="cancel-summary" class="status-detail" hidden></p>');
		expect(html).not.toContain("$48.00");
		expect(/id="cancel-heading"[^>]*>([^<]*)</.exec(html)?.[1]).toBe(
			CATALOGUES.en["cancel.unknown.heading"],
		);
	});

	it("keeps the form hidden without an order to resume, and claims nothing about a payment it cannot see", async () => {
		const html = await (await exports.default.fetch(`${ORIGIN}/cancel.html`)).text();
		expect(html).toContain(
			'<form id="resume-form" method="post" action="/create-checkout-session" hidden>',
		);
		expect(/id="cancel-heading"[^>]*>([^<]*)</.exec(html)?.[1]).toBe(
			CATALOGUES.en["cancel.unknown.heading"],
		);
		expect(withoutCatalogue(html).toLowerCase()).not.toContain("nothing was charged");
		expect(withoutCatalogue(html).toLowerCase()).not.toContain("cart is saved");
	});
});
