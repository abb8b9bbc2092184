import { readdirSync, readFileSync, statSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DEMO_FILE } from "../../scripts/stack.ts";

/**
 * Demo data only where it belongs: `npm run db:migrate:remote` applies the
 * migrations, which create the schema and never a product or a shipping rate;
 * the demo shop is seeds/demo.sql, loaded by `npm run dev` and on request.
 */
const migrations = readdirSync("migrations").filter((f) => f.endsWith(".sql"));
const statementsOf = (sql: string) =>
	sql
		.replace(/^--.*$/gm, "")
		.split(/;|--> statement-breakpoint/)
		.map((s) => s.trim())
		.filter(Boolean);

describe("the migrations", () => {
	it("insert or change no product and no shipping rate", () => {
		const touching = migrations.flatMap((file) =>
			statementsOf(readFileSync(`migrations/${file}`, "utf8"))
				.filter((s) =>
					/^(insert|update|replace|delete)\b[\s\S]*`?(products|shipping_rates)`?\s/i.test(s),
				)
				.map((s) => `${file}: ${s.slice(0, 60)}`),
		);
		expect(migrations.length).toBeGreaterThan(10);
		expect(touching).toEqual([]);
	});
});

describe("seeds/demo.sql", () => {
	const seed = readFileSync("seeds/demo.sql", "utf8");

	it("names the e-book's file where npm run dev puts it, with its real size and type", () => {
		const file = JSON.parse(/'(\{"key":"files\/[^']+)'/.exec(seed)?.[1] ?? "null");
		expect(file).toEqual({
			key: DEMO_FILE.key,
			name: "brewing-guide.pdf",
			type: "application/pdf",
			size: statSync(DEMO_FILE.path).size,
		});
		expect(readFileSync(DEMO_FILE.path).subarray(0, 5).toString()).toBe("%PDF-");
	});

	it("leaves an existing row as it is: every insert is INSERT OR IGNORE", () => {
		const statements = statementsOf(seed);
		expect(statements.length).toBeGreaterThan(0);
		for (const s of statements)
			expect(s).toMatch(/^INSERT OR IGNORE INTO `(products|shipping_rates)`/);
	});

	it("is what npm run db:seed:demo loads, and npm run dev loads it after the migrations", () => {
		const scripts = JSON.parse(readFileSync("package.json", "utf8")).scripts as Record<
			string,
			string
		>;
		expect(scripts["db:seed:demo"]).toBe("node scripts/seed-demo.ts");
		const seeding = readFileSync("scripts/stack.ts", "utf8");
		expect(seeding).toContain('"d1", "execute", "DB", "--file", DEMO_SEED');
		expect(scripts["db:migrate:remote"]).not.toContain("seeds");
		const dev = readFileSync("scripts/dev.ts", "utf8");
		expect(dev.indexOf("seedDemo()")).toBeGreaterThan(dev.indexOf("migrateLocal()"));
	});
});
