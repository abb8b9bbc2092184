/**
 * Low stock (SPEC 17): a product's threshold, set in the catalog; the Cron
 * raises one `low_stock` alert when the stock comes down to it, none again
 * while it stays there, and one again after it was restocked and fell again;
 * the dashboard lists it meanwhile.
 */
import { and, eq, like } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { alerts } from "../../src/db/schema.ts";
import { dashboard } from "../../src/services/admin/dashboard.ts";
import { alertLowStock } from "../../src/services/catalog/low-stock.ts";
import { adminRequest as admin } from "./helpers/admin.ts";
import { checkout } from "./helpers/checkout.ts";
import { db, insertProduct, testDeps } from "./helpers/db.ts";

const lowStockAlerts = (productId: string) =>
	db
		.select()
		.from(alerts)
		.where(and(eq(alerts.kind, "low_stock"), like(alerts.dedupeKey, `low_stock:${productId}:%`)));

describe("a product's low-stock threshold", () => {
	it("raises one alert when checkouts bring the stock down to it, and one again after a restock", async () => {
		const productId = await insertProduct(6, 1000);
		const set = await admin(`/products/${productId}`, {
			method: "PATCH",
			body: { lowStockThreshold: 3 },
		});
		expect(set.status).toBe(200);
		expect(await set.json()).toMatchObject({ lowStockThreshold: 3 });
		const deps = testDeps();

		// 6 → 4: above the threshold, nothing to say.
		await checkout([{ productId, quantity: 2 }]);
		await alertLowStock(deps);
		expect(await lowStockAlerts(productId)).toHaveLength(0);

		// 4 → 3: at it. One alert, however often the Cron looks.
		await checkout([{ productId, quantity: 1 }]);
		await alertLowStock(deps);
		await alertLowStock(deps);
		const [first, ...more] = await lowStockAlerts(productId);
		expect(more).toEqual([]);
		expect(first?.message).toContain("is down to 3 in stock (its threshold is 3)");
		const board = await dashboard(db, Date.now());
		expect(board.lowStock).toContainEqual({
			id: productId,
			name: expect.any(String),
			stock: 3,
			lowStockThreshold: 3,
		});

		// Restocked above it, then down again: a second alert.
		const added = await admin(`/products/${productId}/stock`, { method: "POST", body: { add: 5 } });
		expect(added.status).toBe(200);
		await alertLowStock(deps);
		expect((await dashboard(db, Date.now())).lowStock.map((p) => p.id)).not.toContain(productId);
		await checkout([{ productId, quantity: 5 }]);
		await alertLowStock(deps);
		expect(await lowStockAlerts(productId)).toHaveLength(2);
	});

	it("is audited when changed, and refused when not a stock count", async () => {
		const productId = await insertProduct(10, 1000);
		await admin(`/products/${productId}`, { method: "PATCH", body: { lowStockThreshold: 2 } });
		const detail = await (await admin(`/products/${productId}`)).json<{
			changes: { action: string; changes: Record<string, unknown> }[];
		}>();
		expect(detail.changes.at(-1)?.changes).toMatchObject({
			lowStockThreshold: { from: null, to: 2 },
		});
		for (const lowStockThreshold of [-1, 1.5, "3"]) {
			const res = await admin(`/products/${productId}`, {
				method: "PATCH",
				body: { lowStockThreshold },
			});
			expect(res.status).toBe(400);
			expect(await res.json()).toMatchObject({
				error: { code: "invalid_product", field: "lowStockThreshold" },
			});
		}
	});

	it("never alerts for a product without one, or of unlimited stock", async () => {
		const productId = await insertProduct(1, 1000);
		await checkout([{ productId, quantity: 1 }]);
		await alertLowStock(testDeps());
		expect(await lowStockAlerts(productId)).toHaveLength(0);
	});
});
