import { localD1File, openSqlite } from "../../../scripts/stack.ts";

/**
 * Reads the local D1 database that `wrangler dev` writes, straight from its
 * SQLite file (read-only, with bound parameters), as D1 itself stores it.
 */
export async function d1Query<Row>(
	persistDir: string,
	sql: string,
	...params: (string | number)[]
): Promise<Row[]> {
	const db = await openSqlite(localD1File(persistDir), { readOnly: true });
	try {
		return db.prepare(sql).all(...params) as Row[];
	} finally {
		db.close();
	}
}

export type TransitionRow = { from_status: string | null; to_status: string; source: string };

/** An order's status and its transition history, straight from D1. */
export async function orderInD1(persistDir: string, orderId: string) {
	const rows = await d1Query<{
		status: string;
		amount: number;
		amount_refunded: number;
		currency: string;
		from_status: string | null;
		to_status: string | null;
		source: string | null;
	}>(
		persistDir,
		`select o.status, o.amount, o.amount_refunded, o.currency, t.from_status, t.to_status, t.source from orders o left join order_transitions t on t.order_id = o.id where o.id = ? order by t.id`,
		orderId,
	);
	const first = rows[0];
	if (!first) return null;
	return {
		status: first.status,
		amount: first.amount,
		amountRefunded: first.amount_refunded,
		currency: first.currency,
		transitions: rows
			.filter((row) => row.to_status !== null)
			.map((row) => ({
				from_status: row.from_status,
				to_status: row.to_status as string,
				source: row.source as string,
			})),
	};
}
