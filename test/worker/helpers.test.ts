import { getTableName, is } from "drizzle-orm";
import { SQLiteTable } from "drizzle-orm/sqlite-core";
import { describe, expect, it } from "vitest";
import * as schema from "../../src/db/schema.ts";
import { tableCounts } from "./helpers/db.ts";

describe("test helpers", () => {
	it("tableCounts counts every table of the schema", async () => {
		const tables = Object.values(schema)
			.filter((value) => is(value, SQLiteTable))
			.map((table) => getTableName(table as SQLiteTable));
		expect(tables.length).toBeGreaterThan(10);
		expect(Object.keys(await tableCounts()).sort()).toEqual(expect.arrayContaining(tables.sort()));
	});
});
