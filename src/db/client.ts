import { drizzle } from "drizzle-orm/d1";

const clients = new WeakMap<D1Database, ReturnType<typeof build>>();
// No schema given: the services use the query builder only, never the relational API, so the
// bundle carries none of it and no isolate walks the schema to build its relations.
const build = (d1: D1Database) => drizzle(d1);

/**
 * The drizzle client for a D1 binding, built once per binding object.
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
