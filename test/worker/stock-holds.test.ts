/**
 * Nobody can hoard a limited product: one checkout holds at most 10 units of
 * each, and one client (an IP address, an IPv6 /64) at most 20 units of
 * limited products across its unpaid checkouts at once. A shopper who is
 * paying keeps their units for the session's hour (SPEC 11). Each test makes
 * its own products and client addresses.
 */
import { describe, expect, it } from "vitest";
import { MAX_LIMITED_PER_CHECKOUT, MAX_LIMITED_PER_CLIENT } from "../../src/domain/product.ts";
import { fetchWithEnv } from "./helpers/app.ts";
import { ORIGIN } from "./helpers/checkout.ts";
import { getOrder, insertProduct, stockOf, tableCounts } from "./helpers/db.ts";
import { emulator } from "./helpers/emulator.ts";
import { deliver } from "./helpers/webhooks.ts";

/** A client address of the test's own. */
const newIp = () => `198.51.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;

function checkoutFrom(
	ip: string,
	items: { productId: string; quantity: number }[],
	settings: Record<string, string> = { CHECKOUT_RATE_LIMIT: "on" },
) {
	return fetchWithEnv(
		new Request(`${ORIGIN}/create-checkout-session`, {
			method: "POST",
			headers: { "content-type": "application/json", "cf-connecting-ip": ip },
			body: JSON.stringify({ items }),
		}),
		settings,
	);
}

async function ok(res: Response) {
	expect(res.status, await res.clone().text()).toBe(200);
	return res.json<{ orderId: string; sessionId: string }>();
}

describe("what one checkout may hold of a limited product", () => {
	it(`refuses more than ${MAX_LIMITED_PER_CHECKOUT} units of one limited product, writing nothing`, async () => {
		const limited = await insertProduct(100);
		const before = await tableCounts();
		const res = await checkoutFrom(newIp(), [
			{ productId: limited, quantity: MAX_LIMITED_PER_CHECKOUT + 1 },
		]);
		expect(res.status).toBe(400);
		expect(await res.json()).toMatchObject({
			error: {
				code: "invalid_cart",
				message: expect.stringContaining(`at most ${MAX_LIMITED_PER_CHECKOUT}`),
			},
		});
		expect(await tableCounts()).toEqual(before);
		expect(await stockOf(limited)).toBe(100);
		await ok(
			await checkoutFrom(newIp(), [{ productId: limited, quantity: MAX_LIMITED_PER_CHECKOUT }]),
		);
		expect(await stockOf(limited)).toBe(100 - MAX_LIMITED_PER_CHECKOUT);
	});

	it("leaves unlimited products at the cart's own limit of 99", async () => {
		const plenty = await insertProduct(null);
		await ok(await checkoutFrom(newIp(), [{ productId: plenty, quantity: 99 }]));
	});

	it("tells the storefront each product's limit per order", async () => {
		const limited = await insertProduct(3);
		const plenty = await insertProduct(null);
		const res = await fetchWithEnv(new Request(`${ORIGIN}/api/products`), {});
		const list = (await res.json<{ products: { id: string; maxPerOrder: number | null }[] }>())
			.products;
		expect(list.find((p) => p.id === limited)?.maxPerOrder).toBe(MAX_LIMITED_PER_CHECKOUT);
		expect(list.find((p) => p.id === plenty)?.maxPerOrder).toBeNull();
	});
});

describe("what one client may hold at once", () => {
	it(`refuses a checkout that would take one client past ${MAX_LIMITED_PER_CLIENT} held units, and lets others buy`, async () => {
		const [a, b, c] = [await insertProduct(50), await insertProduct(50), await insertProduct(50)];
		const hoarder = newIp();
		await ok(await checkoutFrom(hoarder, [{ productId: a, quantity: 10 }]));
		await ok(await checkoutFrom(hoarder, [{ productId: b, quantity: 10 }]));
		const before = await tableCounts();
		const refused = await checkoutFrom(hoarder, [{ productId: c, quantity: 1 }]);
		expect(refused.status).toBe(409);
		expect(await refused.json()).toMatchObject({ error: { code: "hold_limit" } });
		expect(await tableCounts()).toEqual(before);
		expect(await stockOf(c)).toBe(50);
		// Anyone else still buys; unlimited products are not held by anyone.
		await ok(await checkoutFrom(newIp(), [{ productId: c, quantity: 10 }]));
		await ok(await checkoutFrom(hoarder, [{ productId: await insertProduct(null), quantity: 5 }]));
	});

	it("counts an IPv6 /64 as one client", async () => {
		const id = await insertProduct(100);
		const net = `2001:db8:${Math.floor(Math.random() * 65535).toString(16)}:1`;
		await ok(await checkoutFrom(`${net}::a`, [{ productId: id, quantity: 10 }]));
		await ok(await checkoutFrom(`${net}::b`, [{ productId: id, quantity: 10 }]));
		expect((await checkoutFrom(`${net}::c`, [{ productId: id, quantity: 1 }])).status).toBe(409);
	});

	it("holds exactly up to the limit when one client's checkouts race", async () => {
		const id = await insertProduct(100);
		const ip = newIp();
		const answers = await Promise.all(
			Array.from({ length: 5 }, () => checkoutFrom(ip, [{ productId: id, quantity: 10 }])),
		);
		expect(answers.map((r) => r.status).sort()).toEqual([200, 200, 409, 409, 409]);
		expect(await stockOf(id)).toBe(80);
	});

	it("frees the client's share when a checkout is paid or ends, and keeps no address on the order", async () => {
		const id = await insertProduct(100);
		const ip = newIp();
		const first = await ok(await checkoutFrom(ip, [{ productId: id, quantity: 10 }]));
		const second = await ok(await checkoutFrom(ip, [{ productId: id, quantity: 10 }]));
		const held = await getOrder(first.orderId);
		expect(held.clientKey).toMatch(/^[0-9a-f]{32}$/);
		expect(held.clientKey).not.toContain(ip);

		// The first is paid: its units are sold, not held; the second expires: its units come back.
		await emulator.pay(first.sessionId);
		const [paid] = await emulator.events({
			objectId: first.sessionId,
			type: "checkout.session.completed",
		});
		expect((await deliver(paid as never)).status).toBe(200);
		await emulator.expire(second.sessionId);
		const [expired] = await emulator.events({
			objectId: second.sessionId,
			type: "checkout.session.expired",
		});
		expect((await deliver(expired as never)).status).toBe(200);
		for (const orderId of [first.orderId, second.orderId])
			expect((await getOrder(orderId)).clientKey).toBeNull();
		await ok(await checkoutFrom(ip, [{ productId: id, quantity: 10 }]));
		await ok(await checkoutFrom(ip, [{ productId: id, quantity: 10 }]));
	});

	it("is off, with the rate limit, when CHECKOUT_RATE_LIMIT=off (load tests and benchmarks)", async () => {
		const id = await insertProduct(100);
		const ip = newIp();
		const off = { CHECKOUT_RATE_LIMIT: "off" };
		for (let i = 0; i < 3; i++) {
			const { orderId } = await ok(await checkoutFrom(ip, [{ productId: id, quantity: 10 }], off));
			expect((await getOrder(orderId)).clientKey).toBeNull();
		}
		expect(await stockOf(id)).toBe(70);
	});
});
