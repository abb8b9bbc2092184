/**
 * The round-trip budget as `npm test` holds it: runs the worker test that
 * counts each hot path's D1 round trips, queue sends and Stripe calls
 * (test/worker/round-trips.test.ts), and reports each operation as its test
 * names it, with whether it held.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../lib/proc.ts";

export type RoundTrip = { operation: string; figures: string; held: boolean };

export const ROUND_TRIPS_TEST = "test/worker/round-trips.test.ts";

export async function measureRoundTrips(tmp: string): Promise<RoundTrip[]> {
	const out = join(tmp, "round-trips.json");
	// A failing count is a result to report, not a broken run: each test's status is in the report.
	await new Promise<void>((resolve) => {
		execFile(
			join(ROOT, "node_modules/.bin/vitest"),
			["run", "--project", "worker", ROUND_TRIPS_TEST, "--reporter=json", `--outputFile=${out}`],
			{ cwd: ROOT, maxBuffer: 64 * 1024 * 1024 },
			() => resolve(),
		);
	});
	const report = JSON.parse(readFileSync(out, "utf8")) as {
		testResults: { assertionResults: { title: string; status: string }[] }[];
	};
	return report.testResults.flatMap((file) =>
		file.assertionResults.map((test) => {
			const [operation, figures] = test.title.split(/: (?=[^:]*$)/);
			return {
				operation: operation ?? test.title,
				figures: figures ?? "",
				held: test.status === "passed",
			};
		}),
	);
}
