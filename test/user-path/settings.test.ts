/**
 * Every variable of `.dev.vars.example`, set in a user's `.dev.vars` to a value
 * that is not its default, is seen by the worker: under `npm run dev` and under
 * a plain `wrangler dev` (the README's "real Stripe" path, here with
 * STRIPE_API_BASE pointing at an emulator the test runs, as `stripe listen`
 * would forward). Each setting is proven by what the shop does.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { type Mailbox, startMailbox } from "local-mailbox";
import { mailboxClient } from "local-mailbox/client";
import type Stripe from "stripe";
import { type Emulator, startEmulator } from "stripe-emulator";
import { emulatorClient } from "stripe-emulator/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { documentedSettings } from "../../scripts/dev-vars.ts";
import { PARIS } from "../support/constants.ts";
import {
	copyProject,
	freePort,
	type Running,
	removeProject,
	sh,
	start,
	writeDevVars,
} from "./support/project.ts";
import {
	admin,
	alertReceiver,
	checkout,
	checkoutOk,
	eventually,
	newEventId,
	orderStatus,
	postSignedEvent,
} from "./support/shop.ts";

const ESPRESSO = "espresso-beans"; // 2400 usd
const LAUNCHERS = {
	"npm run dev": (port: number, _inspector: number) => ({
		command: ["npm", "run", "dev"],
		env: { PORT: String(port) },
	}),
	"wrangler dev": (port: number, inspector: number) => ({
		command: [
			"npx",
			"wrangler",
			"dev",
			"--port",
			String(port),
			"--inspector-port",
			String(inspector),
			"--test-scheduled",
		],
		env: {},
	}),
};

describe.each(Object.keys(LAUNCHERS) as (keyof typeof LAUNCHERS)[])(
	"a .dev.vars with every setting, under %s",
	(launcher) => {
		const adminToken = randomBytes(24).toString("hex");
		const webhookSecret = `whsec_userpath_${randomBytes(12).toString("hex")}`;
		const appUrl = "https://shop.userpath.test";
		let dir: string;
		let shop: Running;
		let emulator: Emulator;
		let alerts: Awaited<ReturnType<typeof alertReceiver>>;
		let mailbox: Mailbox;
		const resendKey = `re_userpath_${randomBytes(8).toString("hex")}`;
		let vars: Record<string, string>;

		beforeAll(async () => {
			dir = copyProject();
			const port = await freePort();
			alerts = await alertReceiver();
			// A Resend-compatible API of the test's own, which accepts only the .dev.vars key.
			mailbox = await startMailbox({ port: 0, apiKey: resendKey });
			emulator = await startEmulator({
				port: 0,
				webhookUrl: `http://127.0.0.1:${port}/webhook`,
				webhookSecret,
				retryBaseMs: 50,
			});
			vars = {
				STRIPE_SECRET_KEY: "sk_test_userpath_51234567890",
				// A rotation list: the emulator signs with the second one.
				STRIPE_WEBHOOK_SECRET: `whsec_retired_one,${webhookSecret}`,
				STRIPE_PUBLISHABLE_KEY: "pk_test_userpath",
				APP_URL: appUrl,
				STRIPE_API_BASE: emulator.url,
				ADMIN_TOKEN: adminToken,
				ALERT_WEBHOOK_URL: alerts.url,
				RECONCILE_GRACE_SECONDS: "0",
				MAX_ORDER_AMOUNT: "9000",
				CHECKOUT_RATE_LIMIT: "off",
				// Not wrangler.toml's values: the shop ships to two countries, no codes, tax on.
				SHIPPING_COUNTRIES: "FR,BE",
				ALLOW_PROMOTION_CODES: "off",
				AUTOMATIC_TAX: "on",
				// Not wrangler.toml's: Stripe's page asks for the terms once the console has written them.
				REQUIRE_TERMS: "on",
				// Not wrangler.toml's: a JSON checkout that names no uiMode is paid on our page.
				CHECKOUT_UI: "elements",
				DEFAULT_LOCALE: "fr",
				EMAIL_PROVIDER: "resend",
				EMAIL_FROM: "User Path Shop <orders@userpath.test>",
				// Not wrangler.toml's: the shop's name and contact before the console's first save.
				SHOP_NAME: "User Path Roastery",
				CONTACT_EMAIL: "hello@userpath.test",
				RESEND_API_KEY: resendKey,
				EMAIL_API_BASE: mailbox.url,
				// Customer accounts on (SPEC 14).
				SESSION_SECRET: randomBytes(32).toString("base64"),
			};
			writeDevVars(dir, vars);
			const how = LAUNCHERS[launcher](port, await freePort());
			// Plain wrangler dev, as the README says: the schema, then the demo shop on request.
			if (launcher === "wrangler dev") {
				await sh(dir, "npx wrangler d1 migrations apply DB --local");
				await sh(dir, "npm run db:seed:demo -- --local");
			}
			shop = await start(dir, how.command, { port, env: how.env });
		});

		afterAll(async () => {
			await shop?.stop();
			await emulator?.close();
			await alerts?.close();
			await mailbox?.close();
			if (dir) removeProject(dir);
		});

		it("is given a value for every variable .dev.vars.example documents", () => {
			expect(Object.keys(vars).sort()).toEqual(documentedSettings().sort());
		});

		it("names the shop SHOP_NAME, with CONTACT_EMAIL, on /api/shop and every page, until the console saves one", async () => {
			const shopInfo = await (await fetch(`${shop.url}/api/shop`)).json();
			expect(shopInfo).toMatchObject({
				name: "User Path Roastery",
				contactEmail: "hello@userpath.test",
				updatedAt: null,
			});
			const page = await (await fetch(`${shop.url}/`)).text();
			expect(page).toContain("<span>User Path Roastery</span>");
			expect(page).toContain('<a href="mailto:hello@userpath.test">');
			expect(page).not.toContain("Bean &amp; Leaf");
		});

		it("keeps an uploaded picture in the local R2 bucket (MEDIA) and serves it at /media", async () => {
			const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
			const res = await fetch(`${shop.url}/admin/products/${ESPRESSO}/image`, {
				method: "POST",
				headers: { authorization: `Bearer ${adminToken}`, "content-type": "image/png" },
				body: png,
			});
			expect(res.status).toBe(200);
			const { imageUrl } = (await res.json()) as { imageUrl: string };
			const served = await fetch(`${shop.url}${imageUrl}`);
			expect(served.headers.get("content-type")).toBe("image/png");
			expect(new Uint8Array(await served.arrayBuffer())).toEqual(png);
		});

		it("asks for consent to the terms written in the console (REQUIRE_TERMS), and serves them at /pages/terms", async () => {
			const before = await checkoutOk(shop.url, [{ productId: ESPRESSO, quantity: 1 }]);
			expect((await sessionAtStripe(before.sessionId)).consent_collection).toBeNull();
			const saved = await fetch(`${shop.url}/admin/pages/terms`, {
				method: "PUT",
				headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
				body: JSON.stringify({ en: "# Terms\nBe kind.", fr: "# Conditions\nSoyez aimable." }),
			});
			expect(saved.status).toBe(200);
			const terms = await fetch(`${shop.url}/pages/terms`, { headers: { accept: "text/html" } });
			expect(terms.status).toBe(200);
			// DEFAULT_LOCALE=fr: the French text, linked from every footer.
			const text = await terms.text();
			expect(text).toContain("<h2>Conditions</h2>");
			expect(await (await fetch(`${shop.url}/`)).text()).toContain(
				'<a href="/pages/terms">Conditions générales de vente</a>',
			);
			const after = await checkoutOk(shop.url, [{ productId: ESPRESSO, quantity: 1 }]);
			const session = await sessionAtStripe(after.sessionId);
			expect(session.consent_collection?.terms_of_service).toBe("required");
			expect(session.custom_text.terms_of_service_acceptance?.message).toContain(
				`(${appUrl}/pages/terms?lang=`,
			);
		});

		it("serves STRIPE_PUBLISHABLE_KEY, CHECKOUT_UI and the emulator's Stripe.js from /api/config", async () => {
			const res = await fetch(`${shop.url}/api/config`);
			expect(await res.json()).toEqual({
				publishableKey: "pk_test_userpath",
				checkoutUi: "elements",
				// A test key and STRIPE_API_BASE: the page loads the emulator's stand-in.
				stripeJsUrl: `${emulator.url}/js/stripe.js`,
			});
		});

		it("accepts ADMIN_TOKEN on /admin/* and refuses another token", async () => {
			expect((await admin(shop.url, adminToken, "/orders")).status).toBe(200);
			expect((await admin(shop.url, `${adminToken}x`, "/orders")).status).toBe(401);
		});

		it("creates sessions at STRIPE_API_BASE with STRIPE_SECRET_KEY, returning to APP_URL", async () => {
			const { sessionId, url } = await checkoutOk(shop.url, [{ productId: ESPRESSO, quantity: 1 }]);
			expect(url.startsWith(`${emulator.url}/`)).toBe(true);
			const res = await fetch(`${emulator.url}/v1/checkout/sessions/${sessionId}`, {
				headers: { authorization: `Bearer ${vars.STRIPE_SECRET_KEY}` },
			});
			const session = (await res.json()) as Stripe.Checkout.Session;
			expect(new URL(session.success_url ?? "").origin).toBe(appUrl);
			expect(new URL(session.cancel_url ?? "").origin).toBe(appUrl);
		});

		it("makes a JSON checkout that names no uiMode an elements session with CHECKOUT_UI=elements", async () => {
			const res = await fetch(`${shop.url}/create-checkout-session`, {
				method: "POST",
				headers: { "content-type": "application/json" },
				body: JSON.stringify({ items: [{ productId: ESPRESSO, quantity: 1 }] }),
			});
			expect(res.status).toBe(200);
			const answer = (await res.json()) as {
				orderId: string;
				sessionId: string;
				resumeToken: string;
				clientSecret?: string;
				url?: string;
			};
			expect(answer.url).toBeUndefined();
			const session = await sessionAtStripe(answer.sessionId);
			expect(session.ui_mode).toBe("elements");
			expect(session.client_secret).toBe(answer.clientSecret);
			expect(new URL(session.return_url ?? "").origin).toBe(appUrl);
			// Its page: the order's, with Stripe.js from STRIPE_API_BASE and the publishable key.
			const pay = await fetch(
				`${shop.url}/pay.html?${new URLSearchParams({ order_id: answer.orderId, token: answer.resumeToken })}`,
			);
			expect(pay.status).toBe(200);
			const html = await pay.text();
			expect(html).toContain(`<script src="${emulator.url}/js/stripe.js"></script>`);
			expect(html).toContain('data-publishable-key="pk_test_userpath"');
			expect(pay.headers.get("content-security-policy")).toContain(
				`script-src 'self' ${emulator.url};`,
			);
			const script = await fetch(`${emulator.url}/js/stripe.js`);
			expect(script.status).toBe(200);
			expect(await script.text()).toContain("initCheckoutElementsSdk");
		});

		/** The session the shop created at the emulator for this checkout. */
		async function sessionAtStripe(sessionId: string): Promise<Stripe.Checkout.Session> {
			const res = await fetch(`${emulator.url}/v1/checkout/sessions/${sessionId}`, {
				headers: { authorization: `Bearer ${vars.STRIPE_SECRET_KEY}` },
			});
			return (await res.json()) as Stripe.Checkout.Session;
		}

		it("collects an address in SHIPPING_COUNTRIES for goods, and none for a digital product", async () => {
			const beans = await checkoutOk(shop.url, [{ productId: ESPRESSO, quantity: 1 }]);
			const shipped = await sessionAtStripe(beans.sessionId);
			expect(shipped.shipping_address_collection?.allowed_countries).toEqual(["FR", "BE"]);
			expect(shipped.shipping_options.length).toBeGreaterThan(0);
			const guide = await checkoutOk(shop.url, [{ productId: "brewing-guide", quantity: 1 }]);
			expect((await sessionAtStripe(guide.sessionId)).shipping_address_collection).toBeNull();
		});

		it("offers no promotion code field with ALLOW_PROMOTION_CODES=off", async () => {
			const { sessionId } = await checkoutOk(shop.url, [{ productId: ESPRESSO, quantity: 1 }]);
			expect((await sessionAtStripe(sessionId)).allow_promotion_codes).not.toBe(true);
			const control = emulatorClient(emulator.url);
			await expect(control.pay(sessionId, { promotionCode: "ANY10" })).rejects.toThrow();
		});

		it("asks for tax with AUTOMATIC_TAX=on, and records what Stripe charged", async () => {
			const { orderId, sessionId } = await checkoutOk(shop.url, [
				{ productId: ESPRESSO, quantity: 1 },
			]);
			expect((await sessionAtStripe(sessionId)).automatic_tax.enabled).toBe(true);
			const control = emulatorClient(emulator.url);
			const paid = await control.pay(sessionId, {
				shipping: PARIS,
			});
			const tax = paid.session.total_details?.amount_tax ?? 0;
			expect(tax).toBeGreaterThan(0);
			await control.drain();
			const order = await eventually(async () => {
				const res = await fetch(`${shop.url}/api/orders/${orderId}`);
				const body = (await res.json()) as { status: string; amount: number; amountTax: number };
				return body.status === "paid" ? body : undefined;
			}, "the paid order");
			expect(order).toMatchObject({ amount: paid.session.amount_total, amountTax: tax });
		});

		it("speaks DEFAULT_LOCALE to a shopper whose language it cannot tell, on its pages and Stripe's", async () => {
			const res = await fetch(`${shop.url}/`, { headers: { "accept-language": "ja-JP" } });
			const page = await res.text();
			expect(page).toMatch(/<html lang="fr">/);
			// Its words come from the French catalogue, a static asset the worker reads (public/i18n).
			expect(page).toContain('aria-label="Langue"');
			const english = await fetch(`${shop.url}/`, { headers: { "accept-language": "en-GB" } });
			expect(await english.text()).toMatch(/<html lang="en">/);
			const { sessionId } = await checkoutOk(shop.url, [{ productId: ESPRESSO, quantity: 1 }]);
			expect((await sessionAtStripe(sessionId)).locale).toBe("fr");
		});

		it("sends the confirmation through EMAIL_PROVIDER=resend at EMAIL_API_BASE, from EMAIL_FROM's address in the shop's name, with RESEND_API_KEY", async () => {
			const { sessionId } = await checkoutOk(shop.url, [{ productId: ESPRESSO, quantity: 1 }]);
			const control = emulatorClient(emulator.url);
			await control.pay(sessionId, { email: "userpath@example.com", shipping: PARIS });
			await control.drain();
			const mail = await mailboxClient(mailbox.url).waitFor(
				{ to: "userpath@example.com" },
				{ timeoutMs: 15_000 },
			);
			// EMAIL_FROM's address, written as the shop (SHOP_NAME here) rather than EMAIL_FROM's name.
			expect(mail.from).toBe('"User Path Roastery" <orders@userpath.test>');
			// CONTACT_EMAIL: a reply reaches the shop; SHOP_NAME names it in the message.
			expect(mail.replyTo).toEqual(["hello@userpath.test"]);
			expect(mail.text).toContain("User Path Roastery");
			// DEFAULT_LOCALE=fr: an order placed from a browser we cannot tell is French, and so is its e-mail.
			expect(mail.subject).toContain("confirmée");
			expect(mail.html).toContain(`${appUrl}/success.html?session_id=${sessionId}`);
		});

		it("marks an order shipped, lists its e-mails and sends one again through the admin routes", async () => {
			const { orderId, sessionId } = await checkoutOk(shop.url, [
				{ productId: ESPRESSO, quantity: 1 },
			]);
			const control = emulatorClient(emulator.url);
			await control.pay(sessionId, { email: "ops@example.com", shipping: PARIS });
			await control.drain();
			expect(await orderStatus(shop.url, orderId)).toBe("paid");
			const shipped = await admin(shop.url, adminToken, `/orders/${orderId}/fulfill`, {
				carrier: "La Poste",
				trackingNumber: "6A1",
			});
			expect(shipped.status).toBe(200);
			// What the operator may do now (SPEC 5 `actions`): shipped, so refund the whole amount, ship no more.
			const detail = (await shipped.json()) as {
				status: string;
				amount: number;
				actions: { refund: { max: number } | null; fulfill: boolean; sync: boolean };
			};
			expect(detail).toMatchObject({ status: "fulfilled" });
			expect(detail.actions).toMatchObject({
				refund: { max: detail.amount },
				fulfill: false,
				sync: true,
			});
			const found = async (q: string) =>
				(
					(await (
						await admin(shop.url, adminToken, `/orders?q=${encodeURIComponent(q)}`)
					).json()) as { orders: { id: string }[] }
				).orders.map((o) => o.id);
			expect(await found(sessionId)).toEqual([orderId]);
			expect(await found("OPS@example.com")).toContain(orderId);
			const listed = await eventually(async () => {
				const res = await admin(shop.url, adminToken, `/emails?orderId=${orderId}`);
				const body = (await res.json()) as {
					emails: { id: string; kind: string; status: string }[];
				};
				return body.emails.length === 2 && body.emails.every((e) => e.status === "sent")
					? body.emails
					: undefined;
			}, "the order's two e-mails, sent");
			expect(listed.map((e) => e.kind).sort()).toEqual(["order_confirmation", "shipped"]);
			const again = await admin(shop.url, adminToken, `/emails/${listed[0]?.id}/resend`, {});
			expect(again.status).toBe(200);
			expect(await again.json()).toMatchObject({ status: "pending", attempts: 0 });
		});

		it("delivers the demo e-book from the local R2 bucket (MEDIA) and runs the owner's day one through the admin routes", async () => {
			const { orderId, sessionId } = await checkoutOk(shop.url, [
				{ productId: "brewing-guide", quantity: 1 },
			]);
			const control = emulatorClient(emulator.url);
			await control.pay(sessionId, { email: "reader@example.com" });
			await control.drain();
			// Only a download: fulfilled by its delivery.
			expect(await orderStatus(shop.url, orderId)).toBe("fulfilled");
			type Detail = {
				downloads: { url: string; downloadsLeft: number }[];
				notes: { text: string }[];
			};
			const detail = async () =>
				(await (await admin(shop.url, adminToken, `/orders/${orderId}`)).json()) as Detail;
			const [link] = (await detail()).downloads;
			// The PDF npm run dev (or npm run db:seed:demo) put in the bucket, counted once.
			const file = await fetch(`${shop.url}${link?.url}`);
			expect(file.status).toBe(200);
			expect(Buffer.from(await file.arrayBuffer())).toEqual(
				readFileSync(`${dir}/seeds/files/brewing-guide.pdf`),
			);
			expect((await detail()).downloads[0]?.downloadsLeft).toBe(4);
			const reissued = await admin(shop.url, adminToken, `/orders/${orderId}/downloads`, {});
			expect(reissued.status).toBe(200);
			// The old link says it was replaced.
			expect((await fetch(`${shop.url}${link?.url}`)).status).toBe(410);

			expect(
				(await admin(shop.url, adminToken, `/orders/${orderId}/notes`, { text: "Gift" })).status,
			).toBe(200);
			// The new links' note (the console's), then the owner's own.
			expect((await detail()).notes.map((n) => n.text)).toEqual([
				"New download links issued; the earlier ones stopped working.",
				"Gift",
			]);
			const slip = await admin(shop.url, adminToken, `/orders/${orderId}/packing-slip`);
			// DEFAULT_LOCALE=fr: the order, and its slip, are in French.
			expect(await slip.text()).toContain("infusion (e-book)");
			const csv = await (await admin(shop.url, adminToken, `/orders.csv?q=${orderId}`)).text();
			expect(csv.split("\n")[1]).toContain(`,${orderId},`);

			const rateId = `eur-${randomBytes(3).toString("hex")}`;
			const rate = { id: rateId, displayName: "Colissimo", amount: 690, currency: "eur" };
			expect((await admin(shop.url, adminToken, "/shipping-rates", rate)).status).toBe(200);
			const patched = await fetch(`${shop.url}/admin/shipping-rates/${rateId}`, {
				method: "PATCH",
				headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
				body: JSON.stringify({ freeAbove: 5000 }),
			});
			expect(await patched.json()).toMatchObject({ id: rateId, amount: 690, freeAbove: 5000 });

			// The confirmation, sent again to a corrected address through EMAIL_PROVIDER.
			const emails = await eventually(async () => {
				const res = await admin(shop.url, adminToken, `/emails?orderId=${orderId}`);
				const body = (await res.json()) as { emails: { id: string; status: string }[] };
				return body.emails[0]?.status === "sent" ? body.emails : undefined;
			}, "the confirmation, sent");
			const to = `fixed-${randomBytes(3).toString("hex")}@example.com`;
			const resent = await admin(shop.url, adminToken, `/emails/${emails[0]?.id}/resend`, { to });
			expect(resent.status).toBe(200);
			const mail = await mailboxClient(mailbox.url).waitFor({ to }, { timeoutMs: 15_000 });
			expect(mail.text).toContain("/downloads/");
		});

		it("answers ?lang=en in place and remembers it over DEFAULT_LOCALE", async () => {
			const res = await fetch(`${shop.url}/success.html?lang=en`, {
				headers: { "accept-language": "ja" },
			});
			expect(res.status).toBe(200);
			expect(await res.text()).toMatch(/<html lang="en">/);
			const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
			expect(cookie).toBe("lang=en");
			const next = await fetch(`${shop.url}/cancel.html`, {
				headers: { cookie, "accept-language": "ja" },
			});
			expect(await next.text()).toMatch(/<html lang="en">/);
		});

		it("lets 20 checkouts through from one client with CHECKOUT_RATE_LIMIT=off", async () => {
			const statuses: number[] = [];
			for (let i = 0; i < 20; i++)
				statuses.push((await checkout(shop.url, [{ productId: ESPRESSO, quantity: 1 }])).status);
			expect(statuses).toEqual(Array(20).fill(200));
		});

		it("refuses an order over MAX_ORDER_AMOUNT and takes one under it", async () => {
			const over = await checkout(shop.url, [{ productId: ESPRESSO, quantity: 4 }]); // 9600
			expect(over.status).toBe(400);
			expect(((await over.json()) as { error: { code: string } }).error.code).toBe("invalid_cart");
			expect((await checkout(shop.url, [{ productId: ESPRESSO, quantity: 3 }])).status).toBe(200); // 7200
		});

		it("verifies webhooks with any secret of the STRIPE_WEBHOOK_SECRET list", async () => {
			const { orderId, sessionId } = await checkoutOk(shop.url, [
				{ productId: ESPRESSO, quantity: 1 },
			]);
			const control = emulatorClient(emulator.url);
			await control.pay(sessionId);
			await control.drain();
			expect(await orderStatus(shop.url, orderId)).toBe("paid");
		});

		it("posts an alert to ALERT_WEBHOOK_URL", async () => {
			const { orderId, sessionId } = await checkoutOk(shop.url, [
				{ productId: ESPRESSO, quantity: 1 },
			]);
			const control = emulatorClient(emulator.url);
			await control.setWebhooks({ mode: "drop" });
			const paid = await control
				.pay(sessionId)
				.finally(() => control.setWebhooks({ mode: "normal" }));
			// Stripe says the session was paid 1 cent less than the order: a mismatch a human must see.
			const session = { ...paid.session, amount_total: 2399, amount_subtotal: 2399 };
			const event = {
				id: newEventId(),
				object: "event",
				type: "checkout.session.completed",
				created: Math.floor(Date.now() / 1000),
				livemode: false,
				api_version: null,
				pending_webhooks: 1,
				request: { id: null, idempotency_key: null },
				data: { object: session },
			} as unknown as Stripe.Event;
			expect((await postSignedEvent(shop.url, event, webhookSecret)).status).toBe(200);
			const alert = await eventually(
				async () => alerts.received.find((a) => a.orderId === orderId),
				"the amount_mismatch alert",
			);
			expect(alert).toMatchObject({ kind: "amount_mismatch", orderId });
		});

		it("shows the console's dashboard, webhook health and an order's refunds through the admin routes", async () => {
			const { orderId, sessionId } = await checkoutOk(shop.url, [
				{ productId: ESPRESSO, quantity: 1 },
			]);
			const control = emulatorClient(emulator.url);
			await control.pay(sessionId, { shipping: PARIS });
			await control.drain();
			expect(await orderStatus(shop.url, orderId)).toBe("paid");
			const refund = await admin(shop.url, adminToken, `/orders/${orderId}/refund`, {
				amount: 100,
			});
			expect(refund.status).toBe(200);
			const { refundId } = (await refund.json()) as { refundId: string };
			await control.drain();
			const detail = (await (await admin(shop.url, adminToken, `/orders/${orderId}`)).json()) as {
				refunds: { id: string; amount: number; source: string }[];
			};
			expect(detail.refunds).toEqual([
				expect.objectContaining({ id: refundId, amount: 100, source: "admin" }),
			]);
			const board = (await (await admin(shop.url, adminToken, "/dashboard")).json()) as {
				today: { paid: { currency: string; orders: number; refunded: number }[] };
			};
			const usd = board.today.paid.find((p) => p.currency === "usd");
			expect(usd?.orders).toBeGreaterThanOrEqual(1);
			expect(usd?.refunded).toBeGreaterThanOrEqual(100);
			const health = (await (await admin(shop.url, adminToken, "/webhook-health")).json()) as {
				lastReceivedAt: string | null;
				last24h: { processed: number };
			};
			expect(health.lastReceivedAt).not.toBeNull();
			expect(health.last24h.processed).toBeGreaterThan(0);
		});

		it("runs the catalog through the admin routes: what the owner sets shows at once and never oversells", async () => {
			const demo = (await (await fetch(`${shop.url}/api/products`)).json()) as {
				products: { id: string; available: number | null; unitAmount: number }[];
			};
			expect(demo.products.find((p) => p.id === "tasting-box")?.available).toBe(5);
			const id = `userpath-${randomBytes(4).toString("hex")}`;
			const created = await admin(shop.url, adminToken, "/products", {
				id,
				name: "Userpath blend",
				unitAmount: 1200,
				currency: "usd",
				shippable: false,
				stock: 1,
			});
			expect(created.status).toBe(200);
			await checkoutOk(shop.url, [{ productId: id, quantity: 1 }]);
			const refused = await checkout(shop.url, [{ productId: id, quantity: 1 }]);
			expect(refused.status).toBe(409);
			expect(await refused.json()).toMatchObject({
				error: { code: "out_of_stock", productIds: [id] },
			});
			expect((await admin(shop.url, adminToken, `/products/${id}/stock`, { add: 2 })).status).toBe(
				200,
			);
			const patched = await fetch(`${shop.url}/admin/products/${id}`, {
				method: "PATCH",
				headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
				body: JSON.stringify({ unitAmount: 1300 }),
			});
			expect(patched.status).toBe(200);
			const listed = await fetch(`${shop.url}/api/products`);
			expect(listed.headers.get("cache-control")).toBe("no-store");
			const mine = ((await listed.json()) as typeof demo).products.find((p) => p.id === id);
			expect(mine).toMatchObject({ available: 2, unitAmount: 1300 });
			const detail = (await (await admin(shop.url, adminToken, `/products/${id}`)).json()) as {
				reserved: number;
				changes: { action: string }[];
			};
			expect(detail.reserved).toBe(1);
			expect(detail.changes.map((c) => c.action)).toEqual(["update", "stock", "create"]);
			// The console's list: every product, and each currency's minor units to read a new price by.
			const all = (await (await admin(shop.url, adminToken, "/products")).json()) as {
				products: { id: string }[];
				currencies: Record<string, number>;
			};
			expect(all.products.map((p) => p.id)).toContain(id);
			expect(all.currencies).toMatchObject({ usd: 2, jpy: 0, kwd: 3 });
		});

		it("gives an abandoned checkout's stock back when the README's Cron command runs, its expired webhook lost", async () => {
			const id = `userpath-${randomBytes(4).toString("hex")}`;
			await admin(shop.url, adminToken, "/products", {
				id,
				name: "Userpath limited",
				unitAmount: 1000,
				currency: "usd",
				shippable: false,
				stock: 2,
			});
			const { sessionId } = await checkoutOk(shop.url, [{ productId: id, quantity: 2 }]);
			const available = async () =>
				(
					(await (await fetch(`${shop.url}/api/products`)).json()) as {
						products: { id: string; available: number | null }[];
					}
				).products.find((p) => p.id === id)?.available;
			expect(await available()).toBe(0);
			const control = emulatorClient(emulator.url);
			await control.setWebhooks({ mode: "drop" });
			await control.expire(sessionId).finally(() => control.setWebhooks({ mode: "normal" }));
			expect(await available()).toBe(0);
			const readme = readFileSync(`${dir}/README.md`, "utf8");
			const cron = /curl "http:\/\/localhost:8787\/__scheduled\?cron=[^"]+"/.exec(readme)?.[0];
			const port = new URL(shop.url).port;
			for (let run = 0; run < 5 && (await available()) !== 2; run++)
				await sh(dir, String(cron).replace(":8787", `:${port}`));
			expect(await available()).toBe(2);
		});

		it("turns customer accounts on with SESSION_SECRET: the e-mailed link signs in, and the history shows the guest order of that address", async () => {
			const email = `account-${launcher.replace(/\W/g, "")}-${randomBytes(3).toString("hex")}@example.com`;
			const { orderId, sessionId } = await checkoutOk(shop.url, [
				{ productId: ESPRESSO, quantity: 1 },
			]);
			const control = emulatorClient(emulator.url);
			await control.pay(sessionId, { email, shipping: PARIS });
			await control.drain();
			await eventually(
				async () => ((await orderStatus(shop.url, orderId)) === "paid" ? true : undefined),
				"the order paid",
			);
			const json = { "content-type": "application/json", origin: appUrl };
			const asked = await fetch(`${shop.url}/api/account/sign-in`, {
				method: "POST",
				headers: json,
				body: JSON.stringify({ email }),
			});
			expect(asked.status).toBe(202);
			// DEFAULT_LOCALE=fr, and APP_URL in the link.
			const mail = await mailboxClient(mailbox.url).waitFor(
				{ to: email, subject: "connexion" },
				{ timeoutMs: 15_000 },
			);
			const link = /https:\/\/shop\.userpath\.test\/account\.html\?token=[A-Za-z0-9_-]+/.exec(
				mail.text,
			);
			expect(link, mail.text).not.toBeNull();
			const token = new URL(link?.[0] ?? "").searchParams.get("token");
			const session = await fetch(`${shop.url}/api/account/session`, {
				method: "POST",
				headers: json,
				body: JSON.stringify({ token }),
			});
			expect(session.status).toBe(200);
			const cookie = /account=[^;]+/.exec(session.headers.get("set-cookie") ?? "")?.[0] ?? "";
			const account = await fetch(`${shop.url}/api/account`, { headers: { cookie } });
			expect(account.status).toBe(200);
			const body = await account.json<{ email: string; orders: { id: string }[] }>();
			expect(body.email).toBe(email);
			expect(body.orders.map((o) => o.id)).toContain(orderId);
			// The header links to the account page.
			expect(await (await fetch(`${shop.url}/`)).text()).toContain('id="account-link"');

			// Signed in, the monthly box (SPEC 15): subscribed, paid, its webhooks forwarded, seen by the owner.
			const plans = await (await fetch(`${shop.url}/api/products`)).json<{
				products: { id: string; recurringInterval: string | null }[];
			}>();
			expect(plans.products.find((p) => p.id === "coffee-box")?.recurringInterval).toBe("month");
			const subscribed = await fetch(`${shop.url}/create-checkout-session`, {
				method: "POST",
				headers: { ...json, cookie },
				body: JSON.stringify({ items: [{ productId: "coffee-box", quantity: 1 }] }),
			});
			expect(subscribed.status).toBe(200);
			const plan = await subscribed.json<{ orderId: null; sessionId: string }>();
			expect(plan.orderId).toBeNull();
			await control.pay(plan.sessionId, { shipping: PARIS });
			await control.drain();
			const active = await eventually(async () => {
				const res = await admin(shop.url, adminToken, "/subscriptions?status=active");
				const list = (await res.json()) as {
					subscriptions: { id: string; customerEmail: string }[];
				};
				return list.subscriptions.find((s) => s.customerEmail === email);
			}, "the subscription listed for the owner");
			const detail = (await (
				await admin(shop.url, adminToken, `/subscriptions/${active.id}`)
			).json()) as { orders: unknown[]; invoices: { status: string }[] };
			expect(detail.invoices.map((i) => i.status)).toEqual(["paid"]);
			expect(detail.orders).toHaveLength(1);
		});

		it("settles an order whose webhooks were dropped when the README's Cron command runs (RECONCILE_GRACE_SECONDS=0)", async () => {
			const { orderId, sessionId } = await checkoutOk(shop.url, [
				{ productId: ESPRESSO, quantity: 1 },
			]);
			const control = emulatorClient(emulator.url);
			await control.setWebhooks({ mode: "drop" });
			await control.pay(sessionId).finally(() => control.setWebhooks({ mode: "normal" }));
			expect(await orderStatus(shop.url, orderId)).toBe("pending");

			const readme = readFileSync(`${dir}/README.md`, "utf8");
			const cron = /curl "http:\/\/localhost:8787\/__scheduled\?cron=[^"]+"/.exec(readme)?.[0];
			expect(cron, "the README documents the Cron command").toBeDefined();
			const port = new URL(shop.url).port;
			// Each run checks a bounded batch, least recently checked first: the other tests'
			// open orders come before this one, so it may take a few runs, never more than five.
			const runs: string[] = [];
			while (runs.length < 5 && (await orderStatus(shop.url, orderId)) !== "paid") {
				runs.push(await sh(dir, String(cron).replace(":8787", `:${port}`)));
			}
			expect(runs[0]).toContain("Ran scheduled event");
			expect(await orderStatus(shop.url, orderId)).toBe("paid");
		});
	},
);
