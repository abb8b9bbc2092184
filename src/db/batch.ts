import type { SQL } from "drizzle-orm";
import { SQLiteSyncDialect } from "drizzle-orm/sqlite-core";
import type { Db } from "./client.ts";

const dialect = new SQLiteSyncDialect();

/**
 * Runs statements as one D1 batch (one transaction: all or nothing) and
 * returns D1's results with `meta.changes`. drizzle's own `batch` cannot take
 * raw `sql` with parameters, which guarded `insert … select … where` needs.
 */
export async function runBatch(db: Db, statements: SQL[]): Promise<D1Result[]> {
	const client = db.$client;
	return client.batch(
		statements.map((statement) => {
			const query = dialect.sqlToQuery(statement);
			return client.prepare(query.sql).bind(...query.params);
		}),
	);
}
