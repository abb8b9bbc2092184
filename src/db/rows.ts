import { getTableColumns, type InferSelectModel, type Table } from "drizzle-orm";

/**
 * A table's rows read by statements written once, for the hot paths: the
 * column list of `select` (every column, in the schema's order) and a reader
 * that turns D1's row into drizzle's row type as drizzle would (booleans,
 * JSON). drizzle's query builders build the SQL and map each column again on
 * every call, a measurable share of a request's CPU (bench/README.md).
 */
export function rowReader<T extends Table>(table: T) {
	const columns = Object.entries(getTableColumns(table)).map(([key, column]) => ({
		key,
		name: column.name,
		read: (value: unknown) => column.mapFromDriverValue(value),
	}));
	return {
		/** `"id", "status", …`: what `select` lists. */
		columns: columns.map((c) => `"${c.name}"`).join(", "),
		read(raw: Record<string, unknown>): InferSelectModel<T> {
			const row: Record<string, unknown> = {};
			for (const c of columns) {
				const value = raw[c.name];
				row[c.key] = value === null || value === undefined ? null : c.read(value);
			}
			return row as InferSelectModel<T>;
		},
	};
}
