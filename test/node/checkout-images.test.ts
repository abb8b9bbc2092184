import { describe, expect, it } from "vitest";
import type { PricedCart } from "../../src/domain/cart.ts";
import { sessionParams } from "../../src/domain/checkout-session.ts";

const cart = (imageUrl: string | null): PricedCart => ({
	currency: "usd",
	subtotal: 1500,
	lines: [
		{ productId: "mug", name: "Mug", description: "", unitAmount: 1500, quantity: 1, imageUrl },
	],
	itemsKey: "usd|mug*1@1500",
});
const imagesOf = (imageUrl: string | null) =>
	sessionParams({ id: "o1", resumeToken: "t" }, cart(imageUrl), "https://shop.example", 0)
		.line_items?.[0]?.price_data?.product_data?.images;

describe("Stripe's page shows a product's picture", () => {
	it("as an absolute URL of the shop", () => {
		expect(imagesOf("/media/products/mug/0123.png")).toEqual([
			"https://shop.example/media/products/mug/0123.png",
		]);
	});

	it("and none for a product without one, or for a drawing Stripe does not show (SVG)", () => {
		expect(imagesOf(null)).toBeUndefined();
		expect(imagesOf("/img/products/mug.svg")).toBeUndefined();
	});
});
