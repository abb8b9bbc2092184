/**
 * Measure 3: bundle size from `wrangler deploy --dry-run --outdir`, for the
 * worker and for minimal Hono and Hono + stripe workers (what they weigh alone).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { wrangler } from "../lib/proc.ts";

export type BundleSize = {
	label: string;
	config: string;
	minify: boolean;
	/** As wrangler prints it ("Total Upload: … KiB / gzip: … KiB"). */
	wranglerKiB: number;
	wranglerGzipKiB: number;
	/** Computed here over the output's .js files (zlib default level), as a cross-check. */
	rawKiB: number;
	gzipKiB: number;
};

export const SIZE_TARGETS = [
	// wrangler.toml sets `minify = true`: this is what deploys. The baselines are minified alike.
	{ label: "worker (src/index.ts, as deployed)", config: "wrangler.toml", minify: true },
	{ label: "Hono alone", config: "bench/size-baselines/hono/wrangler.toml", minify: true },
	{
		label: "Hono + stripe",
		config: "bench/size-baselines/hono-stripe/wrangler.toml",
		minify: true,
	},
] as const;

export async function measureBundle(
	target: (typeof SIZE_TARGETS)[number],
	outdir: string,
): Promise<BundleSize> {
	const output = await wrangler([
		"deploy",
		"--dry-run",
		"--config",
		target.config,
		"--outdir",
		outdir,
		...(target.minify ? ["--minify"] : []),
	]);
	const match = /Total Upload: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/.exec(output);
	if (!match)
		throw new Error(`no "Total Upload" line in wrangler's output:\n${output.slice(-2000)}`);
	let raw = 0;
	let gzip = 0;
	for (const name of readdirSync(outdir)) {
		if (!/\.(m?js|wasm)$/.test(name)) continue;
		const bytes = readFileSync(join(outdir, name));
		raw += bytes.length;
		gzip += gzipSync(bytes).length;
	}
	return {
		label: target.label,
		config: target.config,
		minify: target.minify,
		wranglerKiB: Number(match[1]),
		wranglerGzipKiB: Number(match[2]),
		rawKiB: raw / 1024,
		gzipKiB: gzip / 1024,
	};
}
