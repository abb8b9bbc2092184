/**
 * The single writer under a race: a caller holding a row that another writer
 * has since changed must not overwrite it. The version guard fails, the writer
 * reads the order again and decides on what is there now.
 */
import { describe, expect, it } from "vitest";
import { applyFact } from "../../src/services/orders/apply-fact.ts";
import { getOrder, insertOrder, testDeps, transitionsOf } from "./helpers/db.ts";

const created = () => Math.floor(Date.now() / 1000);

describe("applyFact with a row another writer changed meanwhile", () => {
	it("re-reads the order and applies the fact to its current state", async () => {
		const order = await insertOrder();
		const stale = await getOrder(order.id);
		// Another path records a decline first (version moves on).
		await applyFact(
			testDeps(),
			order.id,
			{ kind: "failed", code: "card_declined", message: null, created: created() },
			{
				source: "webhook",
			},
		);

		const result = await applyFact(
			testDeps(),
			stale,
			{ kind: "paid", amount: 4800, currency: "usd", created: created() },
			{ source: "success_page" },
		);
		expect(result).toMatchObject({ from: "failed", status: "paid", written: true });
		const after = await getOrder(order.id);
		expect(after.status).toBe("paid");
		expect(after.version).toBe(stale.version + 2);
		expect(
			(await transitionsOf(order.id)).map((t) => `${t.fromStatus}→${t.toStatus}:${t.source}`),
		).toEqual(["null→pending:checkout", "pending→failed:webhook", "failed→paid:success_page"]);
	});

	it("writes nothing when what is there now makes the fact a no-op", async () => {
		const order = await insertOrder();
		const stale = await getOrder(order.id);
		await applyFact(
			testDeps(),
			order.id,
			{ kind: "paid", amount: 4800, currency: "usd", created: created() },
			{
				source: "webhook",
			},
		);
		const result = await applyFact(
			testDeps(),
			stale,
			{ kind: "expired", created: created() },
			{ source: "reconcile" },
		);
		expect(result).toMatchObject({ status: "paid", written: false });
		expect((await transitionsOf(order.id)).map((t) => t.toStatus)).toEqual(["pending", "paid"]);
	});
});
