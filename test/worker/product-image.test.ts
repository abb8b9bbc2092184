/**
 * Product pictures (SPEC 17): uploaded by the owner, checked by their bytes,
 * stored in R2 under a key named by their content, served with long caching,
 * carried by the product (`imageUrl`) and audited like any edit.
 */
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { TEST_ADMIN_TOKEN } from "../support/constants.ts";
import { ORIGIN } from "./helpers/checkout.ts";

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72]);
const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 74, 70, 73, 70]);
const GIF = new TextEncoder().encode("GIF89a....");

function upload(id: string, body: BodyInit, type: string, token = TEST_ADMIN_TOKEN) {
	return exports.default.fetch(`${ORIGIN}/admin/products/${id}/image`, {
		method: "POST",
		headers: { authorization: `Bearer ${token}`, "content-type": type },
		body,
	});
}

async function newProduct(): Promise<string> {
	const id = `pic-${crypto.randomUUID().slice(0, 8)}`;
	const res = await exports.default.fetch(`${ORIGIN}/admin/products`, {
		method: "POST",
		headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, "content-type": "application/json" },
		body: JSON.stringify({ id, name: "Pictured mug", unitAmount: 1500, currency: "usd" }),
	});
	expect(res.status).toBe(200);
	return id;
}

type Product = { id: string; imageUrl: string | null };

describe("product pictures", () => {
	it("are stored by their content, served for good, shown on the product and audited", async () => {
		const id = await newProduct();
		const listed = async () =>
			(
				await (
					await exports.default.fetch(`${ORIGIN}/api/products`)
				).json<{
					products: Product[];
				}>()
			).products.find((p) => p.id === id);
		// A product created in the console has no picture: the pages draw a tile, never a 404.
		expect((await listed())?.imageUrl).toBeNull();

		const res = await upload(id, PNG, "image/png");
		expect(res.status).toBe(200);
		const product = await res.json<Product>();
		expect(product.imageUrl).toMatch(new RegExp(`^/media/products/${id}/[0-9a-f]{32}\\.png$`));
		expect((await listed())?.imageUrl).toBe(product.imageUrl);

		const served = await exports.default.fetch(`${ORIGIN}${product.imageUrl}`);
		expect(served.status).toBe(200);
		expect(served.headers.get("content-type")).toBe("image/png");
		expect(served.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
		// Mail clients show it from their own origin: the pictures alone may be read cross-origin.
		expect(served.headers.get("cross-origin-resource-policy")).toBe("cross-origin");
		expect(
			(await exports.default.fetch(`${ORIGIN}/api/products`)).headers.get(
				"cross-origin-resource-policy",
			),
		).toBe("same-origin");
		expect(new Uint8Array(await served.arrayBuffer())).toEqual(PNG);

		const detail = await (
			await exports.default.fetch(`${ORIGIN}/admin/products/${id}`, {
				headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
			})
		).json<{ changes: { changes: Record<string, { from: unknown; to: unknown }> }[] }>();
		expect(detail.changes[0]?.changes).toEqual({
			imageUrl: { from: null, to: product.imageUrl },
		});

		// Another picture replaces it; the one it replaced is removed from the bucket.
		const again = await (await upload(id, JPEG, "image/jpeg")).json<Product>();
		expect(again.imageUrl).toMatch(/\.jpg$/);
		await expect
			.poll(async () => env.MEDIA.head((product.imageUrl ?? "").slice("/media/".length)))
			.toBeNull();
	});

	it.each([
		["a type it does not take", GIF, "image/gif", 415],
		["bytes that are not the type it claims", GIF, "image/png", 415],
		["no type at all", PNG, "application/octet-stream", 415],
		["a picture over 5 MB", new Uint8Array(5 * 1024 * 1024 + 1), "image/jpeg", 413],
	])("refuses %s, and the product keeps its picture", async (_, body, type, status) => {
		const id = await newProduct();
		const res = await upload(id, body, type);
		expect(res.status).toBe(status);
		const { error } = await res.json<{ error: { code: string } }>();
		expect(error.code).toBe(status === 413 ? "payload_too_large" : "unsupported_media_type");
		const product = await (
			await exports.default.fetch(`${ORIGIN}/admin/products/${id}`, {
				headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
			})
		).json<Product>();
		expect(product.imageUrl).toBeNull();
	});

	it("answers 404 for a product it does not know, 401 without the token, and never serves another key", async () => {
		expect((await upload("no-such-product", PNG, "image/png")).status).toBe(404);
		const id = await newProduct();
		expect((await upload(id, PNG, "image/png", "wrong")).status).toBe(401);
		for (const path of ["/media/products/x/../../secret", "/media/other/key.png", "/media/"])
			expect((await exports.default.fetch(`${ORIGIN}${path}`)).status).toBe(404);
	});
});
