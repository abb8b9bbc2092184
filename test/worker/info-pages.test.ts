/**
 * The shop's information pages (SPEC 17): terms of sale, returns and
 * withdrawal, privacy, legal notice and contact, written by the owner in both
 * languages, served at /pages/<slug> in the shopper's language (404 while
 * empty) and linked from every page's footer; and the shop's logo.
 */
import { env, exports } from "cloudflare:workers";
import { afterAll, describe, expect, it } from "vitest";
import { orderItems, products } from "../../src/db/schema.ts";
import { infoTextHtml } from "../../src/domain/info-text.ts";
import { INFO_PAGES } from "../../src/domain/vocabulary.ts";
import type { Bindings } from "../../src/env.ts";
import { deliverEmail } from "../../src/services/emails/delivery.ts";
import { TEST_ADMIN_TOKEN } from "../support/constants.ts";
import { adminRequest as admin } from "./helpers/admin.ts";
import { fetchWithEnv } from "./helpers/app.ts";
import { ORIGIN } from "./helpers/checkout.ts";
import { db, depsFor, pendingEmail } from "./helpers/db.ts";
import { stripe } from "./helpers/emulator.ts";

const get = (path: string, lang = "en") =>
	exports.default.fetch(`${ORIGIN}${path}`, {
		headers: { accept: "text/html", "accept-language": lang },
	});
const save = (slug: string, body: unknown) => admin(`/pages/${slug}`, { method: "PUT", body });

const TERMS = {
	en: "# Who we are\n\nWe sell coffee. See [our privacy notice](/pages/privacy).\n\n- 14 days to change your mind\n- Free returns",
	fr: "# Qui sommes-nous\n\nNous vendons du café.\nÀ bientôt.",
};

describe("an information page's text", () => {
	it("is escaped, with paragraphs, headings, lists, links and strong words", () => {
		expect(infoTextHtml(TERMS.en)).toBe(
			'<h2>Who we are</h2>\n<p>We sell coffee. See <a href="/pages/privacy">our privacy notice</a>.</p>\n<ul><li>14 days to change your mind</li><li>Free returns</li></ul>',
		);
		expect(infoTextHtml("Line one\nline **two**")).toBe(
			"<p>Line one<br>line <strong>two</strong></p>",
		);
		expect(infoTextHtml("Write to https://shop.example/help.")).toBe(
			'<p>Write to <a href="https://shop.example/help">https://shop.example/help</a>.</p>',
		);
	});

	it("never lets markup or a script link through", () => {
		const out = infoTextHtml(
			'<script>alert(1)</script>\n\n[click](javascript:alert(1)) [x](https://a.example/"onmouseover=alert(1))',
		);
		expect(out).not.toContain("<script");
		expect(out).not.toContain('href="javascript');
		// A link's address never ends its attribute early.
		expect(out).not.toMatch(/<a href="[^"]*" /);
		expect(out).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
	});
});

describe("/pages/<slug>", () => {
	afterAll(async () => {
		for (const slug of INFO_PAGES) await save(slug, { en: "", fr: "" });
	});

	it("is 404 while the owner has written nothing, and unknown pages are 404", async () => {
		expect((await get("/pages/terms")).status).toBe(404);
		expect((await get("/pages/cookies")).status).toBe(404);
		const footer = await (await get("/")).text();
		expect(footer).not.toContain("/pages/");
	});

	it("is written in the console and served in the shopper's language, linked from every footer", async () => {
		const res = await save("terms", TERMS);
		expect(res.status).toBe(200);
		expect(await res.json()).toMatchObject({ slug: "terms", published: true, ...TERMS });

		const fr = await get("/pages/terms", "fr");
		expect(fr.status).toBe(200);
		const frPage = await fr.text();
		expect(frPage).toContain("<title>Conditions générales de vente · Bean &amp; Leaf</title>");
		expect(frPage).toContain('<h1 id="page-title">Conditions générales de vente</h1>');
		expect(frPage).toContain("<h2>Qui sommes-nous</h2>");
		expect(frPage).toContain("Nous vendons du café.<br>À bientôt.");

		const en = await (await get("/pages/terms?lang=en", "fr")).text();
		expect(en).toContain("<h2>Who we are</h2>");
		expect(en).toContain('<a href="/pages/privacy">our privacy notice</a>');

		// Every page's footer links it, titled in the page's language.
		for (const path of ["/", "/cancel.html", "/pages/terms"]) {
			const page = await (await get(path, "fr")).text();
			expect(page).toContain('<a href="/pages/terms">Conditions générales de vente</a>');
		}
		// The console has no footer.
		expect(await (await get("/admin.html")).text()).not.toContain('href="/pages/terms"');
	});

	it("is shown in the other language where the owner wrote only one, and says so", async () => {
		await save("returns", { en: "Send it back within 14 days." });
		const page = await (await get("/pages/returns", "fr")).text();
		expect(page).toContain("Cette page n’est pas encore rédigée en français");
		expect(page).toContain('<div id="page-text" class="info-text" lang="en">');
		expect(page).toContain("Send it back within 14 days.");
	});

	it("is taken down when both texts are emptied: 404, and no link", async () => {
		await save("legal", { en: "Kōhī SAS", fr: "Kōhī SAS" });
		expect((await get("/pages/legal")).status).toBe(200);
		await save("legal", { en: "  ", fr: "" });
		expect((await get("/pages/legal")).status).toBe(404);
		expect(await (await get("/")).text()).not.toContain('href="/pages/legal"');
	});

	it("lists every page for the console, written or not", async () => {
		await save("privacy", { fr: "Vos données." });
		const { pages } = await (await admin("/pages")).json<{
			pages: { slug: string; published: boolean; fr: string }[];
		}>();
		expect(pages.map((p) => p.slug)).toEqual([...INFO_PAGES]);
		expect(pages.find((p) => p.slug === "privacy")).toMatchObject({
			published: true,
			fr: "Vos données.",
		});
		expect(pages.find((p) => p.slug === "contact")).toMatchObject({ published: false });
	});

	it.each([
		["/pages/cookies", { en: "x" }, 404, "page_not_found", undefined],
		["/pages/terms", { en: 5 }, 400, "invalid_request", "en"],
		["/pages/terms", { en: "x".repeat(20_001) }, 400, "invalid_request", "en"],
		["/pages/terms", { de: "Bedingungen" }, 400, "invalid_request", "de"],
		// A draft is not published: its first line, or a gap it leaves.
		[
			"/pages/terms",
			{ en: "DRAFT to review before you publish.\n\nOurs." },
			400,
			"invalid_request",
			"en",
		],
		[
			"/pages/legal",
			{ en: "Kōhī SAS", fr: "Capital social : (à compléter)" },
			400,
			"invalid_request",
			"fr",
		],
	])("refuses PUT %s %#, naming what is wrong", async (path, body, status, code, field) => {
		const before = await (await admin("/pages")).json();
		const res = await admin(path, { method: "PUT", body });
		expect(res.status).toBe(status);
		const { error } = await res.json<{ error: { code: string; field?: string } }>();
		expect(error.code).toBe(code);
		expect(error.field).toBe(field);
		// Nothing was changed.
		expect(await (await admin("/pages")).json()).toEqual(before);
	});

	it("is the owner's only with the admin token", async () => {
		const before = await (await admin("/pages")).json();
		const res = await admin("/pages/terms", { method: "PUT", body: { en: "x" }, token: "wrong" });
		expect(res.status).toBe(401);
		expect((await admin("/pages", { token: "wrong" })).status).toBe(401);
		expect(await (await admin("/pages")).json()).toEqual(before);
	});
});

describe("the shop's logo", () => {
	const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 1]);
	const upload = (body: BodyInit, type: string) =>
		exports.default.fetch(`${ORIGIN}/admin/shop/logo`, {
			method: "POST",
			headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, "content-type": type },
			body,
		});
	afterAll(async () => {
		await admin("/shop/logo", { method: "DELETE" });
		await admin("/shop", { method: "PUT", body: { name: "Bean & Leaf" } });
	});

	it("is uploaded, served for good, in every page's header, and kept by a save of the identity", async () => {
		const res = await upload(PNG, "image/png");
		expect(res.status).toBe(200);
		const { logoUrl, name } = await res.json<{ logoUrl: string; name: string }>();
		// Before the owner's first save, the name is still wrangler.toml's.
		expect(name).toBe("Bean & Leaf");
		expect(logoUrl).toMatch(/^\/media\/shop\/[0-9a-f]{32}\.png$/);
		const served = await exports.default.fetch(`${ORIGIN}${logoUrl}`);
		expect(served.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
		expect(new Uint8Array(await served.arrayBuffer())).toEqual(PNG);
		expect(await (await get("/")).text()).toContain(`<img src="${logoUrl}" alt=""`);

		const saved = await admin("/shop", { method: "PUT", body: { name: "Maison Kōhī" } });
		expect(await saved.json()).toMatchObject({ name: "Maison Kōhī", logoUrl });
		expect(await (await admin("/shop")).json()).toMatchObject({ logoUrl });
	});

	it("is refused when it is not a JPEG, PNG or WebP, and the old one stays", async () => {
		const before = (await (await admin("/shop")).json<{ logoUrl: string | null }>()).logoUrl;
		const res = await upload(new TextEncoder().encode("<svg onload=alert(1)>"), "image/svg+xml");
		expect(res.status).toBe(415);
		expect((await (await admin("/shop")).json<{ logoUrl: string | null }>()).logoUrl).toBe(before);
	});

	it("is removed: the shop's mark again, and its picture gone", async () => {
		const { logoUrl } = await (await upload(PNG, "image/png")).json<{ logoUrl: string }>();
		const res = await admin("/shop/logo", { method: "DELETE" });
		expect(await res.json()).toMatchObject({ logoUrl: null });
		expect(await (await get("/")).text()).toContain('<img src="/favicon.svg" alt=""');
		await expect
			.poll(async () => (await exports.default.fetch(`${ORIGIN}${logoUrl}`)).status)
			.toBe(404);
	});
});

describe("REQUIRE_TERMS", () => {
	afterAll(async () => {
		await save("terms", { en: "", fr: "" });
	});
	const sessionFor = async (settings: Record<string, string>) => {
		const res = await fetchWithEnv(
			new Request(`${ORIGIN}/create-checkout-session`, {
				method: "POST",
				headers: { "content-type": "application/json" },
				body: JSON.stringify({
					items: [{ productId: "espresso-beans", quantity: 1 }],
					locale: "fr",
				}),
			}),
			settings,
		);
		expect(res.status).toBe(200);
		const { sessionId } = await res.json<{ sessionId: string }>();
		return stripe().checkout.sessions.retrieve(sessionId);
	};

	it("asks Stripe's page for the shopper's consent to the terms, linked in their language", async () => {
		await save("terms", TERMS);
		const session = await sessionFor({ REQUIRE_TERMS: "on" });
		expect(session.consent_collection?.terms_of_service).toBe("required");
		expect(session.custom_text.terms_of_service_acceptance).toEqual({
			message: `J’accepte les [conditions générales de vente](${ORIGIN}/pages/terms?lang=fr).`,
		});
	});

	it("asks nothing when off, nor while the shop has no terms to accept", async () => {
		await save("terms", TERMS);
		const off = await sessionFor({ REQUIRE_TERMS: "off" });
		expect(off.consent_collection).toBeNull();
		await save("terms", { en: "", fr: "" });
		const none = await sessionFor({ REQUIRE_TERMS: "on" });
		expect(none.consent_collection).toBeNull();
		expect(none.custom_text.terms_of_service_acceptance).toBeNull();
	});
});

describe("an e-mail of a shop with pages, a logo and pictures", () => {
	afterAll(async () => {
		await save("terms", { en: "", fr: "" });
		await admin("/shop/logo", { method: "DELETE" });
		await admin("/shop", { method: "PUT", body: { name: "Bean & Leaf" } });
	});

	it("links the pages and shows the logo and each product's picture, from the shop's origin", async () => {
		await save("terms", TERMS);
		const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 2]);
		const logo = await exports.default.fetch(`${ORIGIN}/admin/shop/logo`, {
			method: "POST",
			headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, "content-type": "image/png" },
			body: PNG,
		});
		const { logoUrl } = await logo.json<{ logoUrl: string }>();
		const productId = `mail-${crypto.randomUUID().slice(0, 8)}`;
		const picture = `/media/products/${productId}/0123456789abcdef0123456789abcdef.png`;
		await db.insert(products).values({
			id: productId,
			name: "Pictured mug",
			unitAmount: 1500,
			currency: "usd",
			imageUrl: picture,
		});
		const { order, id } = await pendingEmail("order_confirmation", "fr");
		await db
			.insert(orderItems)
			.values({ orderId: order.id, productId, name: "Tasse", unitAmount: 1500, quantity: 1 });

		const sent: { html: string; text: string }[] = [];
		const binding = {
			send: async (message: { html: string; text: string }) => {
				sent.push(message);
				return { messageId: "cf-msg-pages" };
			},
		};
		const bindings = {
			...env,
			EMAIL_PROVIDER: "cloudflare",
			EMAIL_FROM: "orders@kohi.example",
			APP_URL: "https://kohi.example",
			EMAIL: binding as unknown as SendEmail,
		} as Bindings;
		expect(await deliverEmail(depsFor(bindings), id, 1)).toEqual({ outcome: "sent" });
		const [mail] = sent;
		expect(mail?.html).toContain('href="https://kohi.example/pages/terms?lang=fr"');
		expect(mail?.text).toContain(
			"Conditions générales de vente : https://kohi.example/pages/terms?lang=fr",
		);
		expect(mail?.html).toContain(`<img src="https://kohi.example${logoUrl}" alt="Bean &amp; Leaf"`);
		expect(mail?.html).toContain(`<img src="https://kohi.example${picture}" alt=""`);
		// The seed's SVG drawing (espresso beans) is not a picture mail clients show.
		expect(mail?.html).not.toContain(".svg");
	});
});
