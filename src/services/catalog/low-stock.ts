import { sql } from "drizzle-orm";
import { runBatch } from "../../db/batch.ts";
import { raiseAlert } from "../alerts/alerts.ts";
import type { Deps } from "../deps.ts";

type LowRow = { id: string; name: string; stock: number; low_stock_threshold: number };

/**
 * The Cron's look at stock (SPEC 17): a product whose stock has come down to
 * its `lowStockThreshold` raises one `low_stock` alert (through the alert hook,
 * `ALERT_WEBHOOK_URL`), once; back above it (restocked, units released), it
 * may alert again the next time. Claimed and cleared in one batch, so two runs
 * never alert twice. Answers how many alerts were raised.
 */
export async function alertLowStock(deps: Deps): Promise<number> {
	const [, claimed] = await runBatch(deps.db, [
		sql`update products set low_stock_alerted = 0 where low_stock_alerted = 1
			and (stock is null or low_stock_threshold is null or stock > low_stock_threshold)`,
		sql`update products set low_stock_alerted = 1
			where low_stock_alerted = 0 and active = 1 and stock is not null
			and low_stock_threshold is not null and stock <= low_stock_threshold
			returning id, name, stock, low_stock_threshold`,
	]);
	const low = (claimed?.results ?? []) as LowRow[];
	for (const p of low)
		await raiseAlert(deps, {
			kind: "low_stock",
			orderId: null,
			message: `${p.name} (${p.id}) is down to ${p.stock} in stock (its threshold is ${p.low_stock_threshold}): add stock in the console's Catalog tab.`,
			dedupeKey: `low_stock:${p.id}:${deps.now()}`,
		});
	return low.length;
}
