/**
 * Measure 5: startup CPU time as wrangler reports it (`wrangler check startup`,
 * which builds the worker, profiles its startup phase in local workerd and
 * prints the profile's active time). Sampled coarsely: the median of a few runs.
 */
import { join } from "node:path";
import { median } from "../lib/load.ts";
import { wrangler } from "../lib/proc.ts";

export type StartupRun = {
	activeMs: number;
	sampledMs: number;
	windowMs: number;
	samples: number;
	bundleKiB: number | null;
	bundleGzipKiB: number | null;
};
export type StartupResult = {
	label: string;
	dir: string;
	runs: StartupRun[];
	medianActiveMs: number;
};

const number = (text: string, re: RegExp): number => {
	const m = re.exec(text);
	if (!m) throw new Error(`wrangler check startup: no match for ${re} in:\n${text.slice(-1500)}`);
	return Number(m[1]);
};

/** `dir`: the worker's directory (`check startup` builds the wrangler.toml found there; it ignores --config). */
export async function measureStartup(
	label: string,
	dir: string,
	runs: number,
	tmp: string,
): Promise<StartupResult> {
	const results: StartupRun[] = [];
	for (let i = 0; i < runs; i++) {
		const output = await wrangler(
			[
				"check",
				"startup",
				"--outfile",
				join(tmp, `startup-${label.replace(/\W+/g, "-")}-${i}.cpuprofile`),
			],
			{ cwd: dir },
		);
		const bundle = /Bundle: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/.exec(output);
		results.push({
			activeMs: number(output, /Active: ([\d.]+) ms/),
			sampledMs: number(output, /Sampled time: ([\d.]+) ms/),
			windowMs: number(output, /Profile window: ([\d.]+) ms/),
			samples: number(output, /Samples: (\d+)/),
			bundleKiB: bundle ? Number(bundle[1]) : null,
			bundleGzipKiB: bundle ? Number(bundle[2]) : null,
		});
	}
	return { label, dir, runs: results, medianActiveMs: median(results.map((r) => r.activeMs)) };
}
