import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema.ts";

const clients = new WeakMap<D1Database, ReturnType<typeof build>>();
const build = (d1: D1Database) => drizzle(d1, { schema });

/**
 * The drizzle client for a D1 binding, built once per binding object: building
 * it walks the whole schema, which is measurable CPU on every request.
 */
export function createDb(d1: D1Database) {
	let db = clients.get(d1);
	if (!db) {
		db = build(d1);
		clients.set(d1, db);
	}
	return db;
}

export type Db = ReturnType<typeof createDb>;
