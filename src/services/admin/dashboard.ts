import { and, count, eq, gt, gte, isNotNull, sql, sum } from "drizzle-orm";
import { minorUnitDigits } from "shop-money";
import type { Db } from "../../db/client.ts";
import { alerts, emails, orders, products } from "../../db/schema.ts";
import { DAY_MS, isoTime } from "../../lib/time.ts";

/** Midnight UTC of `nowMs`'s day, and of the Monday of its week. */
export function periodStarts(nowMs: number): { today: number; week: number } {
	const today = Math.floor(nowMs / DAY_MS) * DAY_MS;
	// 1970-01-01 was a Thursday: days since the last Monday.
	const sinceMonday = (Math.floor(nowMs / DAY_MS) + 3) % 7;
	return { today, week: today - sinceMonday * DAY_MS };
}

/** Orders paid since `from`, per currency: how many, what they charged, what was refunded, and the net. */
async function paidSince(db: Db, from: number) {
	const rows = await db
		.select({
			currency: orders.currency,
			orders: count(),
			revenue: sum(orders.amount),
			refunded: sum(orders.amountRefunded),
		})
		.from(orders)
		.where(and(isNotNull(orders.paidAt), gte(orders.paidAt, from)))
		.groupBy(orders.currency)
		.orderBy(orders.currency);
	return rows.map((r) => {
		const revenue = Number(r.revenue ?? 0);
		const refunded = Number(r.refunded ?? 0);
		// Gross (what was charged), what went back, and what the shop keeps (SPEC 17).
		return {
			currency: r.currency,
			minorUnits: minorUnitDigits(r.currency),
			orders: r.orders,
			revenue,
			refunded,
			net: revenue - refunded,
		};
	});
}

/**
 * The console's first row: today's and this week's paid orders and revenue per
 * currency (UTC days, weeks from Monday), alerts of the last 7 days, e-mails
 * that could not be sent, and checkouts still awaiting payment. Each count
 * walks an index.
 */
export async function dashboard(db: Db, nowMs: number) {
	const { today, week } = periodStarts(nowMs);
	const [paidToday, paidThisWeek, [recentAlerts], [failedEmails], [awaiting], lowStock] =
		await Promise.all([
			paidSince(db, today),
			paidSince(db, week),
			db
				.select({ n: count() })
				.from(alerts)
				.where(gte(alerts.createdAt, nowMs - 7 * DAY_MS)),
			db.select({ n: count() }).from(emails).where(eq(emails.status, "failed")),
			db
				.select({ n: count() })
				.from(orders)
				.where(
					and(
						eq(orders.status, "pending"),
						isNotNull(orders.stripeCheckoutSessionId),
						gt(orders.checkoutExpiresAt, nowMs),
					),
				),
			// Products for sale at or under their low-stock threshold, the fewest left first.
			db
				.select({
					id: products.id,
					name: products.name,
					stock: products.stock,
					lowStockThreshold: products.lowStockThreshold,
				})
				.from(products)
				.where(
					and(
						eq(products.active, true),
						isNotNull(products.lowStockThreshold),
						sql`${products.stock} <= ${products.lowStockThreshold}`,
					),
				)
				.orderBy(products.stock, products.id)
				.limit(20),
		]);
	return {
		today: { since: isoTime(today), paid: paidToday },
		week: { since: isoTime(week), paid: paidThisWeek },
		alertsLast7Days: recentAlerts?.n ?? 0,
		failedEmails: failedEmails?.n ?? 0,
		awaitingPayment: awaiting?.n ?? 0,
		lowStock,
	};
}
