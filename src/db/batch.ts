import type { SQL } from "drizzle-orm";
import { SQLiteSyncDialect } from "drizzle-orm/sqlite-core";
import type { Db } from "./client.ts";

const dialect = new SQLiteSyncDialect();

/** A statement written out: its text with `?` for each of its values. */
export type Statement = { sql: string; params: unknown[] };

/** drizzle's `sql` as text and values. */
export const written = (statement: SQL): Statement => dialect.sqlToQuery(statement);

/**
 * Runs statements as one D1 batch (one transaction: all or nothing) and
 * returns D1's results with `meta.changes`. drizzle's own `batch` cannot take
 * raw `sql` with parameters, which guarded `insert … select … where` needs.
 * Hot paths hand statements already written (`Statement`), which skips
 * drizzle's SQL building.
 */
export async function runBatch(db: Db, statements: (SQL | Statement)[]): Promise<D1Result[]> {
	const client = db.$client;
	return client.batch(
		statements.map((statement) => {
			const query = "params" in statement ? statement : written(statement);
			return client.prepare(query.sql).bind(...query.params);
		}),
	);
}
