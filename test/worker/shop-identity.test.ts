/**
 * The shop's identity (SPEC 17): wrangler.toml's SHOP_NAME and CONTACT_EMAIL
 * until the owner's first save; `PUT /admin/shop` then names the shop on every
 * page, in the console, in the e-mails (and where a reply goes), and in the
 * pages' colour.
 */
import { env, exports } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { emails } from "../../src/db/schema.ts";
import { readableOnWhite } from "../../src/domain/shop.ts";
import type { Bindings } from "../../src/env.ts";
import { deliverEmail } from "../../src/services/emails/delivery.ts";
import { TEST_ADMIN_TOKEN } from "../support/constants.ts";
import { adminRequest } from "./helpers/admin.ts";
import { fetchWithEnv } from "./helpers/app.ts";
import { ORIGIN } from "./helpers/checkout.ts";
import { dbq, depsFor, pendingEmail } from "./helpers/db.ts";
import { stripe } from "./helpers/emulator.ts";

const admin = adminRequest;
const page = async (path: string) => (await exports.default.fetch(`${ORIGIN}${path}`)).text();
const publicShop = async () =>
	(await exports.default.fetch(`${ORIGIN}/api/shop`)).json<Record<string, unknown>>();

const OWNER = {
	name: "Maison Kōhī",
	contactEmail: "bonjour@kohi.example",
	legalName: "Kōhī SAS",
	legalAddress: "12 rue des Lilas\n75011 Paris, France",
	accentColor: "#1F4E79",
	pricesIncludeTax: true,
};

describe("the shop's identity", () => {
	afterAll(async () => {
		// wrangler.toml's name again, for whatever runs after in this isolate.
		await admin("/shop", { method: "PUT", body: { name: "Bean & Leaf" } });
	});

	it("is wrangler.toml's SHOP_NAME, with no contact, before the owner's first save", async () => {
		expect(await publicShop()).toEqual({
			name: "Bean & Leaf",
			contactEmail: null,
			legalName: null,
			legalAddress: null,
			accentColor: null,
			logoUrl: null,
			pricesIncludeTax: false,
			pages: [],
			updatedAt: null,
		});
	});

	it("is the owner's only with the admin token", async () => {
		expect((await admin("/shop", { token: "wrong" })).status).toBe(401);
		const refused = await admin("/shop", { method: "PUT", body: OWNER, token: "wrong" });
		expect(refused.status).toBe(401);
		expect((await publicShop()).name).toBe("Bean & Leaf");
	});

	it.each([
		[{ ...OWNER, name: "  " }, "name"],
		[{ ...OWNER, contactEmail: "Shop <a@b.example>" }, "contactEmail"],
		[{ ...OWNER, contactEmail: "a@b.example, c@d.example" }, "contactEmail"],
		[{ ...OWNER, accentColor: "green" }, "accentColor"],
		// White text on it could not be read.
		[{ ...OWNER, accentColor: "#ffd700" }, "accentColor"],
		[{ ...OWNER, pricesIncludeTax: "yes" }, "pricesIncludeTax"],
		[{ ...OWNER, legalAddress: "x".repeat(501) }, "legalAddress"],
	])("refuses %o beside its field, and changes nothing", async (body, field) => {
		const res = await admin("/shop", { method: "PUT", body });
		expect(res.status).toBe(400);
		const { error } = await res.json<{ error: { code: string; field: string; message: string } }>();
		expect(error).toMatchObject({ code: "invalid_request", field });
		expect(error.message).toMatch(new RegExp(`^${field}: `));
		expect((await publicShop()).name).toBe("Bean & Leaf");
	});

	it("refuses a field it does not know, and a body that is not JSON", async () => {
		const unknown = await admin("/shop", { method: "PUT", body: { ...OWNER, logo: "x" } });
		expect(unknown.status).toBe(400);
		const notJson = await exports.default.fetch(`${ORIGIN}/admin/shop`, {
			method: "PUT",
			headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, "content-type": "application/json" },
			body: "{",
		});
		expect(notJson.status).toBe(400);
	});

	it("once saved, names the shop on every page, the console and the footer, in the owner's colour", async () => {
		const res = await admin("/shop", { method: "PUT", body: OWNER });
		expect(res.status).toBe(200);
		const saved = await res.json<Record<string, unknown>>();
		expect(saved).toMatchObject({ ...OWNER, accentColor: "#1f4e79" });
		expect(typeof saved.updatedAt).toBe("string");
		expect(await publicShop()).toEqual(saved);
		expect(await (await admin("/shop")).json()).toEqual(saved);

		const store = await page("/?lang=fr");
		expect(store).toContain('<title data-i18n="shop.title">Maison Kōhī — boutique</title>');
		expect(store).toMatch(
			/<span>Maison Kōhī<\/span><\/a><a id="account-link"[^>]*>Compte<\/a><nav id="lang-switch"/,
		);
		expect(store).toContain(
			'<footer class="site-footer"><div class="wrap"><p>Kōhī SAS · 12 rue des Lilas, 75011 Paris, France</p><p><a href="mailto:bonjour@kohi.example">Contact : bonjour@kohi.example</a></p></div></footer>',
		);
		expect(store).toContain('<link rel="stylesheet" href="/theme.css?accent=1f4e79" />');
		// Tax-inclusive prices say so ("TTC" in French), without JavaScript too.
		// Accounts on, a visitor not signed in: the plans' cards offer to sign in.
		expect(store).toContain('<body data-taxes="included" data-account="signed-out">');
		expect(store).toMatch(/<p class="price">1\s500\sJPY TTC<\/p>/);
		expect(store).not.toContain("Bean &amp; Leaf");
		// The pages' scripts read the same name in their messages.
		const messages = /<script type="application\/json" id="messages">([\s\S]*?)<\/script>/.exec(
			store,
		)?.[1];
		expect(JSON.parse(messages ?? "{}")["shop.title"]).toBe("Maison Kōhī — boutique");

		const console = await page("/admin.html");
		expect(console).toContain("<title>Admin — Maison Kōhī</title>");
		expect(console).toContain('<span>Maison Kōhī</span></a><span class="header-tag">Admin</span>');

		const theme = await exports.default.fetch(`${ORIGIN}/theme.css?accent=1f4e79`);
		expect(theme.headers.get("content-type")).toContain("text/css");
		expect(theme.headers.get("cache-control")).toContain("immutable");
		expect(await theme.text()).toContain("--accent: #1f4e79;");
		expect((await exports.default.fetch(`${ORIGIN}/theme.css?accent=red;}`)).status).toBe(404);
	});

	it("names the shop on Stripe's page, in its colour, says who sells, and sends tax-inclusive prices", async () => {
		await admin("/shop", { method: "PUT", body: OWNER });
		const res = await fetchWithEnv(
			new Request(`${ORIGIN}/create-checkout-session`, {
				method: "POST",
				headers: { "content-type": "application/json" },
				body: JSON.stringify({
					items: [{ productId: "espresso-beans", quantity: 1 }],
					locale: "fr",
				}),
			}),
			{ AUTOMATIC_TAX: "on", SHIPPING_COUNTRIES: "FR" },
		);
		expect(res.status).toBe(200);
		const { sessionId } = await res.json<{ sessionId: string }>();
		const session = await stripe().checkout.sessions.retrieve(sessionId, {
			expand: ["line_items", "shipping_options.shipping_rate"],
		});
		expect(session.branding_settings).toMatchObject({
			display_name: "Maison Kōhī",
			button_color: "#1f4e79",
		});
		expect(session.custom_text.submit).toEqual({
			message: "Vendu par Kōhī SAS, 12 rue des Lilas, 75011 Paris, France.",
		});
		expect(session.line_items?.data[0]?.price?.tax_behavior).toBe("inclusive");
		const rate = session.shipping_options[0]?.shipping_rate;
		expect(typeof rate === "object" && rate?.tax_behavior).toBe("inclusive");
	});

	it("names the shop in the e-mails, and a reply goes to its contact address", async () => {
		await admin("/shop", { method: "PUT", body: OWNER });
		const { id } = await pendingEmail();
		const sent: Record<string, unknown>[] = [];
		const binding = {
			send: async (message: Record<string, unknown>) => {
				sent.push(message);
				return { messageId: "cf-msg-identity" };
			},
		};
		const bindings = {
			...env,
			EMAIL_PROVIDER: "cloudflare",
			EMAIL_FROM: "orders@kohi.example",
			EMAIL: binding as unknown as SendEmail,
		} as Bindings;
		expect(await deliverEmail(depsFor(bindings), id, 1)).toEqual({ outcome: "sent" });
		// From the shop as it is named now, at EMAIL_FROM's address; a reply goes to its contact.
		expect(sent[0]).toMatchObject({
			from: { name: "Maison Kōhī", email: "orders@kohi.example" },
			replyTo: "bonjour@kohi.example",
		});
		expect(String(sent[0]?.text)).toContain("Maison Kōhī");
		expect(String(sent[0]?.text)).not.toContain("Bean & Leaf");
		const row = await dbq.query.emails.findFirst({ where: eq(emails.id, id) });
		expect(row?.status).toBe("sent");
	});
});

describe("readableOnWhite", () => {
	it("holds WCAG's 4.5:1 for white text on the colour", () => {
		expect(readableOnWhite("#13603d")).toBe(true); // the shop's own green
		expect(readableOnWhite("#767676")).toBe(true); // the lightest grey that passes
		expect(readableOnWhite("#777777")).toBe(false);
		expect(readableOnWhite("#ffffff")).toBe(false);
	});
});
