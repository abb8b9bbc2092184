/**
 * A D1 binding over a node:sqlite database, enough for drizzle's D1 driver
 * (`prepare`, `bind`, `all`, `raw`, `first`, `run`, `batch`): the worker's own
 * functions run on a growth data set outside workerd, as they would on D1.
 */
import type { DatabaseSync, SQLInputValue } from "node:sqlite";

export function sqliteD1(db: DatabaseSync) {
	const statement = (sql: string, params: SQLInputValue[] = []) => {
		const rows = () => db.prepare(sql).all(...params) as Record<string, unknown>[];
		const result = (results: unknown[]) => ({ results, success: true, meta: { changes: 0 } });
		return {
			bind: (...values: SQLInputValue[]) => statement(sql, values),
			all: async () => result(rows()),
			raw: async () => rows().map((row) => Object.values(row)),
			first: async () => rows()[0] ?? null,
			run: async () => {
				const { changes } = db.prepare(sql).run(...params);
				return { results: [], success: true, meta: { changes: Number(changes) } };
			},
			rows,
		};
	};
	return {
		prepare: (sql: string) => statement(sql),
		batch: async (list: ReturnType<typeof statement>[]) =>
			list.map((s) => ({ results: s.rows(), success: true, meta: { changes: 0 } })),
		exec: async (sql: string) => {
			db.exec(sql);
			return { count: 0, duration: 0 };
		},
	};
}
