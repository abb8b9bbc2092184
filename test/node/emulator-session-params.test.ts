import { describe, expect, it } from "vitest";
import { sessionParams as emulatorTestParams } from "../../packages/stripe-emulator/test/helpers/emulator.ts";
import type { PricedCart } from "../../src/domain/cart.ts";
import { sessionParams as workerSessionParams } from "../../src/domain/checkout-session.ts";

/** The cart the emulator's tests buy, as the worker prices it. */
const CART: PricedCart = {
	currency: "usd",
	subtotal: 3000,
	lines: [
		{ productId: "mug", name: "Mug", description: "Blue, 350 ml", unitAmount: 1250, quantity: 2 },
		{ productId: "sticker", name: "Sticker", description: "", unitAmount: 500, quantity: 1 },
	],
	itemsKey: "usd|mug*2@1250,sticker*1@500",
};

// The emulator's own tests send Checkout Session params written out in its package; these
// must be exactly what the worker sends for the same order, or they test another shop.
describe("the emulator's test params", () => {
	it("are the worker's sessionParams for the same order and cart", () => {
		const id = crypto.randomUUID();
		const expiresAt = Math.floor(Date.now() / 1000) + 3600;
		expect(emulatorTestParams({ client_reference_id: id, expires_at: expiresAt })).toEqual(
			workerSessionParams({ id, resumeToken: "test-token" }, CART, "http://shop.test", expiresAt),
		);
	});
});
