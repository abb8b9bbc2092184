/**
 * Digital delivery (SPEC 17): a product's file, uploaded by the owner to R2; a
 * paid order's download links (7 days, 5 downloads, refused once refunded) on
 * the success page and in the confirmation; an order that is only downloads
 * fulfilled by its delivery; new links from the console.
 */
import { env, exports } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { downloads, emails } from "../../src/db/schema.ts";
import { loadCatalogues } from "../../src/i18n/catalogues.ts";
import { deliverEmail } from "../../src/services/emails/delivery.ts";
import type { OutgoingEmail } from "../../src/services/emails/providers.ts";
import { applyFact } from "../../src/services/orders/apply-fact.ts";
import { TEST_ADMIN_TOKEN } from "../support/constants.ts";
import { adminRequest } from "./helpers/admin.ts";
import { checkout, ORIGIN } from "./helpers/checkout.ts";
import { db, depsFor, getOrder, testDeps, transitionsOf } from "./helpers/db.ts";
import { payAndDeliver } from "./helpers/paid-order.ts";

beforeAll(() => loadCatalogues(env.ASSETS));

const PDF = new TextEncoder().encode("%PDF-1.4\n% a brewing guide\n%%EOF\n");

function uploadFile(id: string, body: BodyInit | null, query = "?name=Brewing%20guide.pdf") {
	return exports.default.fetch(`${ORIGIN}/admin/products/${id}/file${query}`, {
		method: "POST",
		headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, "content-type": "application/pdf" },
		body,
	});
}

/** A product of this test's own, sold once paid as a download (or not: `withFile` false). */
async function digitalProduct(withFile = true, shippable = false): Promise<string> {
	const id = `dl-${crypto.randomUUID().slice(0, 8)}`;
	const created = await adminRequest("/products", {
		method: "POST",
		body: { id, name: "Brewing guide", unitAmount: 900, currency: "usd", shippable },
	});
	expect(created.status).toBe(200);
	if (withFile) expect((await uploadFile(id, PDF)).status).toBe(200);
	return id;
}

/** A real checkout of `items`, paid at the emulator, its completed session delivered. */
async function buy(items: { productId: string; quantity: number }[]) {
	const { orderId, sessionId } = await checkout(items);
	await payAndDeliver(sessionId);
	return { orderId, sessionId };
}

const linksOf = (orderId: string) =>
	db.select().from(downloads).where(eq(downloads.orderId, orderId));

const download = (token: string, headers: Record<string, string> = {}, method = "GET") =>
	exports.default.fetch(`${ORIGIN}/downloads/${token}`, { method, headers });

const codeOf = async (res: Response) => (await res.json<{ error: { code: string } }>()).error.code;

describe("a product's file", () => {
	it("is stored out of /media's reach, shown by name on the product, and audited", async () => {
		const id = await digitalProduct(false);
		const res = await uploadFile(id, PDF);
		expect(res.status).toBe(200);
		const product = await res.json<{ file: unknown }>();
		expect(product.file).toEqual({
			name: "Brewing guide.pdf",
			type: "application/pdf",
			size: PDF.byteLength,
		});
		const listed = await env.MEDIA.list({ prefix: `files/${id}/` });
		expect(listed.objects).toHaveLength(1);
		const key = listed.objects[0]?.key ?? "";
		// Nothing serves the bucket's files by their key.
		expect((await exports.default.fetch(`${ORIGIN}/media/${key}`)).status).toBe(404);
		// The product's public view says nothing of where it is.
		expect(
			JSON.stringify(await (await exports.default.fetch(`${ORIGIN}/api/products`)).json()),
		).not.toContain(key);

		const detail = await (await adminRequest(`/products/${id}`)).json<{
			changes: { changes: Record<string, unknown> }[];
		}>();
		expect(Object.keys(detail.changes[0]?.changes ?? {})).toEqual(["file"]);

		// Another file replaces it; the replaced one leaves the bucket; removing it leaves none.
		expect((await uploadFile(id, PDF, "?name=v2.pdf")).status).toBe(200);
		await expect
			.poll(async () =>
				(await env.MEDIA.list({ prefix: `files/${id}/` })).objects.map((o) => o.key),
			)
			.not.toContain(key);
		const removed = await adminRequest(`/products/${id}/file`, { method: "DELETE" });
		expect(await removed.json()).toMatchObject({ file: null });
		await expect
			.poll(async () => (await env.MEDIA.list({ prefix: `files/${id}/` })).objects.length)
			.toBe(0);
	});

	it.each([
		["no name", PDF, "", 400, "invalid_product"],
		["a name with a path", PDF, "?name=..%2Fetc%2Fpasswd", 400, "invalid_product"],
		["an empty file", new Uint8Array(0), "?name=a.pdf", 400, "invalid_product"],
	])("is refused with %s, and the product keeps none", async (_, body, query, status, code) => {
		const id = await digitalProduct(false);
		const res = await uploadFile(id, body, query);
		expect(res.status).toBe(status);
		expect(await codeOf(res)).toBe(code);
		expect((await env.MEDIA.list({ prefix: `files/${id}/` })).objects).toHaveLength(0);
	});

	it("is refused for a product that does not exist, and without the admin token", async () => {
		const missing = await uploadFile("no-such-product", PDF);
		expect(missing.status).toBe(404);
		expect(await codeOf(missing)).toBe("product_not_found");
		const id = await digitalProduct(false);
		const anonymous = await exports.default.fetch(
			`${ORIGIN}/admin/products/${id}/file?name=a.pdf`,
			{
				method: "POST",
				body: PDF,
			},
		);
		expect(anonymous.status).toBe(401);
		expect((await env.MEDIA.list({ prefix: `files/${id}/` })).objects).toHaveLength(0);
	});
});

describe("a paid order of downloads", () => {
	it("is fulfilled by its delivery, with a link per line on the success page and in the confirmation", async () => {
		const productId = await digitalProduct();
		const { orderId, sessionId } = await buy([{ productId, quantity: 1 }]);

		const order = await getOrder(orderId);
		expect(order.status).toBe("fulfilled");
		// No parcel: nothing says it shipped.
		expect(order.fulfilledAt).toBeNull();
		expect((await transitionsOf(orderId)).map((t) => `${t.toStatus}:${t.source}`)).toEqual([
			"pending:checkout",
			"paid:webhook",
			"fulfilled:delivery",
		]);
		const outbox = await db.select().from(emails).where(eq(emails.orderId, orderId));
		expect(outbox.map((e) => e.kind)).toEqual(["order_confirmation"]);

		const [link] = await linksOf(orderId);
		expect(link).toMatchObject({ productId, used: 0 });
		const days = ((link?.expiresAt ?? 0) - (link?.createdAt ?? 0)) / 86_400_000;
		expect(days).toBe(7);

		const page = await exports.default.fetch(
			`${ORIGIN}/success.html?session_id=${sessionId}&lang=fr`,
		);
		const html = await page.text();
		// (The page carries its catalogue for its script: read the rendered lines themselves.)
		expect(/id="status-text"[^>]*>([^<]*)</.exec(html)?.[1]).toBe("Votre commande est livrée.");
		expect(html).toContain(`href="/downloads/${link?.token}"`);
		expect(html).toContain("Télécharger Brewing guide");
		expect(html).toContain("Téléchargements restants : 5 sur 5");
		// Until when, to the minute and saying which clock.
		expect(html).toMatch(/jusqu'au \d{1,2} \S+ \d{4} (à )?\d{2}:\d{2} UTC/);
		expect(html).toMatch(/<section id="downloads"(?![^>]*hidden)/);

		const sent: OutgoingEmail[] = [];
		const mailer = {
			from: "orders@shop.test",
			send: async (e: OutgoingEmail) => {
				sent.push(e);
				return "m1";
			},
		};
		const [confirmation] = outbox;
		// The worker's own deps (the shop's origin, its identity), with this test's mailer.
		const deps = Object.create(depsFor(env), { mailer: { value: mailer } });
		expect(await deliverEmail(deps, confirmation?.id ?? "", 1)).toEqual({
			outcome: "sent",
		});
		expect(sent[0]?.text).toContain(`/downloads/${link?.token}`);
		expect(sent[0]?.html).toContain(`/downloads/${link?.token}`);
		expect(sent[0]?.text).toContain("5 times");
	});

	it("answers the file, counting each download up to five; a HEAD does not count", async () => {
		const productId = await digitalProduct();
		const { orderId } = await buy([{ productId, quantity: 1 }]);
		const [link] = await linksOf(orderId);
		const token = link?.token ?? "";

		const head = await download(token, {}, "HEAD");
		expect(head.status).toBe(200);
		for (let i = 1; i <= 5; i++) {
			const res = await download(token);
			expect(res.status).toBe(200);
			expect(res.headers.get("content-type")).toBe("application/pdf");
			expect(res.headers.get("content-disposition")).toBe(
				`attachment; filename="Brewing guide.pdf"; filename*=UTF-8''Brewing%20guide.pdf`,
			);
			expect(res.headers.get("cache-control")).toBe("private, no-store");
			expect(new Uint8Array(await res.arrayBuffer())).toEqual(PDF);
		}
		const sixth = await download(token);
		expect(sixth.status).toBe(410);
		expect(await codeOf(sixth)).toBe("download_limit_reached");
		const [after] = await linksOf(orderId);
		expect(after?.used).toBe(5);
		// The success page no longer says "download below": the links have ended.
		const { sessionId } = await (await adminRequest(`/orders/${orderId}`))
			.json<{
				stripeCheckoutSessionId: string;
			}>()
			.then((o) => ({ sessionId: o.stripeCheckoutSessionId }));
		const ended = await (
			await exports.default.fetch(`${ORIGIN}/success.html?session_id=${sessionId}`)
		).text();
		// (The page carries its catalogue for its script: read the rendered line itself.)
		expect(/id="status-detail"[^>]*>([^<]*)</.exec(ended)?.[1]).toBe(
			"Its download links have ended; the shop can send you new ones.",
		);

		// A browser reads why, in its language, on the shop's page.
		const page = await download(token, { accept: "text/html", "accept-language": "fr" });
		expect(page.status).toBe(410);
		expect(page.headers.get("content-type")).toContain("text/html");
		const refusal = await page.text();
		expect(/<h1[^>]*>([^<]*)</.exec(refusal)?.[1]).toBe(
			"Ce lien de téléchargement ne fonctionne pas",
		);
		// Its language switch asks the same link again, not the shop's home page.
		expect(refusal).toContain(`href="/downloads/${token}?lang=en"`);
	});

	it("refuses a link past its seven days, an unknown one, and every link once the order is refunded", async () => {
		const productId = await digitalProduct();
		const { orderId, sessionId } = await buy([{ productId, quantity: 2 }]);
		const [link] = await linksOf(orderId);
		const token = link?.token ?? "";

		const unknown = await download(`${"0".repeat(32)}1`);
		expect(unknown.status).toBe(404);
		expect(await codeOf(unknown)).toBe("download_not_found");
		expect((await download("../../etc")).status).toBe(404);

		await db
			.update(downloads)
			.set({ expiresAt: Date.now() - 1 })
			.where(eq(downloads.token, token));
		const expired = await download(token);
		expect(expired.status).toBe(410);
		expect(await codeOf(expired)).toBe("download_expired");
		await db
			.update(downloads)
			.set({ expiresAt: Date.now() + 60_000 })
			.where(eq(downloads.token, token));
		expect((await download(token)).status).toBe(200);

		const refund = await adminRequest(`/orders/${orderId}/refund`, { method: "POST", body: {} });
		expect(refund.status).toBe(200);
		expect((await getOrder(orderId)).status).toBe("refunded");
		const revoked = await download(token);
		expect(revoked.status).toBe(410);
		expect(await codeOf(revoked)).toBe("download_revoked");
		const [after] = await linksOf(orderId);
		expect(after?.used).toBe(1);

		// The success page and the refund's e-mail say so.
		const page = await (
			await exports.default.fetch(`${ORIGIN}/success.html?session_id=${sessionId}`)
		).text();
		expect(/id="status-detail"[^>]*>([^<]*)</.exec(page)?.[1]).toBe(
			"The money goes back to your original payment method; it can take a few business days to appear. Its download links no longer work.",
		);
		const [refundEmail] = await db
			.select()
			.from(emails)
			.where(and(eq(emails.orderId, orderId), eq(emails.kind, "refund")));
		const sent: OutgoingEmail[] = [];
		const mailer = {
			from: "orders@shop.test",
			send: async (e: OutgoingEmail) => {
				sent.push(e);
				return "m2";
			},
		};
		const deps = Object.create(depsFor(env), { mailer: { value: mailer } });
		await deliverEmail(deps, refundEmail?.id ?? "", 1);
		expect(sent[0]?.text).toContain("Its download links no longer work.");
	});

	it("made of downloads and goods stays paid until shipped; a line with neither leaves it paid", async () => {
		const productId = await digitalProduct();
		const mixed = await buy([
			{ productId, quantity: 1 },
			{ productId: "espresso-beans", quantity: 1 },
		]);
		expect((await getOrder(mixed.orderId)).status).toBe("paid");
		expect((await linksOf(mixed.orderId)).map((l) => l.productId)).toEqual([productId]);

		const service = await digitalProduct(false);
		const plain = await buy([{ productId: service, quantity: 1 }]);
		expect((await getOrder(plain.orderId)).status).toBe("paid");
		expect(await linksOf(plain.orderId)).toEqual([]);
	});

	it("paid by a refund's event first (events out of order) gets no links", async () => {
		const productId = await digitalProduct();
		const { orderId } = await checkout([{ productId, quantity: 1 }]);
		const created = Math.floor(Date.now() / 1000);
		await applyFact(
			testDeps(),
			orderId,
			{ kind: "refund", amountRefunded: 900, currency: "usd", charged: 900, created },
			{ source: "webhook" },
		);
		await applyFact(
			testDeps(),
			orderId,
			{ kind: "paid", amount: 900, currency: "usd", created },
			{ source: "webhook" },
		);
		expect((await getOrder(orderId)).status).toBe("refunded");
		expect(await linksOf(orderId)).toEqual([]);
	});
});

describe("new links from the console", () => {
	it("replace the old ones, and fulfil an order whose product got its file after the payment", async () => {
		const productId = await digitalProduct(false);
		const { orderId } = await buy([{ productId, quantity: 1 }]);
		expect((await getOrder(orderId)).status).toBe("paid");
		const none = await adminRequest(`/orders/${orderId}/downloads`, { method: "POST" });
		expect(none.status).toBe(409);
		expect(await codeOf(none)).toBe("no_downloads");

		expect((await uploadFile(productId, PDF)).status).toBe(200);
		const first = await adminRequest(`/orders/${orderId}/downloads`, { method: "POST" });
		expect(first.status).toBe(200);
		const detail = await first.json<{
			status: string;
			downloads: { url: string; downloadsLeft: number; usable: boolean }[];
			transitions: { to: string; source: string }[];
		}>();
		expect(detail.status).toBe("fulfilled");
		expect(detail.transitions.at(-1)).toMatchObject({ to: "fulfilled", source: "delivery" });
		expect(detail.downloads).toEqual([expect.objectContaining({ downloadsLeft: 5, usable: true })]);
		const oldUrl = detail.downloads[0]?.url ?? "";
		expect(oldUrl).toMatch(/^\/downloads\/[0-9a-f]{32}\d+$/);

		const again = await (
			await adminRequest(`/orders/${orderId}/downloads`, { method: "POST" })
		).json<{ downloads: { url: string }[]; transitions: unknown[]; notes: { text: string }[] }>();
		expect(again.transitions).toHaveLength(detail.transitions.length);
		// Each issue in the order's history, with who did it.
		expect(again.notes.map((n) => n.text)).toEqual([
			"Download links issued.",
			"New download links issued; the earlier ones stopped working.",
		]);
		const newUrl = again.downloads[0]?.url ?? "";
		expect(again.downloads).toHaveLength(1);
		expect(newUrl).not.toBe(oldUrl);
		// The old link says it was replaced (a shopper with the old e-mail is told so).
		const old = await exports.default.fetch(`${ORIGIN}${oldUrl}`);
		expect(old.status).toBe(410);
		expect(await codeOf(old)).toBe("download_replaced");
		expect((await exports.default.fetch(`${ORIGIN}${newUrl}`)).status).toBe(200);
	});

	it("are refused for a refunded order, an unpaid one, and without the admin token", async () => {
		const productId = await digitalProduct();
		const unpaid = await checkout([{ productId, quantity: 1 }]);
		const notPaid = await adminRequest(`/orders/${unpaid.orderId}/downloads`, { method: "POST" });
		expect(notPaid.status).toBe(409);
		expect(await codeOf(notPaid)).toBe("order_not_paid");

		const { orderId } = await buy([{ productId, quantity: 1 }]);
		const anonymous = await adminRequest(`/orders/${orderId}/downloads`, {
			method: "POST",
			token: "wrong",
		});
		expect(anonymous.status).toBe(401);
		await adminRequest(`/orders/${orderId}/refund`, { method: "POST", body: {} });
		const refunded = await adminRequest(`/orders/${orderId}/downloads`, { method: "POST" });
		expect(refunded.status).toBe(409);
		expect(await linksOf(orderId)).toHaveLength(1);
	});
});
