import type { SQL } from "drizzle-orm";
import { and, eq, isNull } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";

/**
 * What an operator's patch of a row changes (the catalog's products, the
 * shipping rates): the fields given whose value differs, each one's before and
 * after for the audit, the values to set, and the guard that the row still
 * holds what they were when judged (a concurrent edit makes the update change
 * nothing, and the caller compare again).
 */
export function auditedPatch<K extends string>(
	columns: Record<K, SQLiteColumn>,
	idColumn: SQLiteColumn,
	id: string,
	row: NoInfer<Record<K, unknown>>,
	patch: NoInfer<Partial<Record<K, unknown>>>,
) {
	const changed = (Object.keys(columns) as K[]).filter(
		(field) => patch[field] !== undefined && patch[field] !== row[field],
	);
	const changes = Object.fromEntries(
		changed.map((field) => [field, { from: row[field], to: patch[field] }]),
	);
	const set = Object.fromEntries(changed.map((field) => [field, patch[field]]));
	const unchanged = and(
		eq(idColumn, id),
		...changed.map((field) =>
			row[field] === null ? isNull(columns[field]) : eq(columns[field], row[field]),
		),
	) as SQL;
	return { changed, changes, set, unchanged };
}
