/**
 * `npm test`: everything CI runs, in order, on Node 22 from node_modules.
 * Static checks first (generated binding types current, typecheck, lint), then
 * every vitest project (Workers runtime, Node: emulator and scripts, the
 * user's path, browser end-to-end). Ends with one plain line
 * `N passed, M failed` counting each check and each test; exits non-zero on
 * any failure. The benchmarks are not tests: CI runs them at smoke size as a
 * step of their own (`npm run bench -- --smoke`).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";

const bin = (name: string) => `node_modules/.bin/${name}`;
const checks: [string, string, string[]][] = [
	[
		"binding types are current (wrangler types --check)",
		"npm",
		["run", "--silent", "cf-typegen", "--", "--check"],
	],
	["typecheck (worker)", bin("tsc"), ["--noEmit"]],
	[
		"typecheck (node: emulator, scripts, tests)",
		bin("tsc"),
		["-p", "tsconfig.node.json", "--noEmit"],
	],
	["lint and format (biome ci)", bin("biome"), ["ci", "."]],
];

let passed = 0;
let failed = 0;
for (const [name, command, args] of checks) {
	console.log(`\n▶ ${name}`);
	const result = spawnSync(command, args, { stdio: "inherit" });
	if (result.status === 0) passed++;
	else {
		failed++;
		console.error(`✖ ${name} failed`);
	}
}

mkdirSync("test-results", { recursive: true });
const report = "test-results/vitest.json";
console.log("\n▶ vitest (all projects)");
const vitest = spawnSync(
	bin("vitest"),
	[
		"run",
		"--reporter=default",
		"--reporter=json",
		`--outputFile.json=${report}`,
		...process.argv.slice(2),
	],
	{
		stdio: "inherit",
	},
);
try {
	const results = JSON.parse(readFileSync(report, "utf8")) as {
		numPassedTests: number;
		numFailedTests: number;
		numTotalTests: number;
		success: boolean;
	};
	passed += results.numPassedTests;
	failed += results.numFailedTests;
	if (results.numTotalTests === 0 || (vitest.status !== 0 && results.numFailedTests === 0))
		failed++;
} catch {
	console.error("✖ vitest wrote no report");
	failed++;
}
if (vitest.status !== 0 && failed === 0) failed++;

const summary = `${passed} passed, ${failed} failed`;
writeFileSync("test-results/summary.txt", `${summary}\n`);
console.log(`\n${summary}`);
process.exit(failed === 0 ? 0 : 1);
