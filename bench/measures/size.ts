/**
 * Measure 3: bundle size from `wrangler deploy --dry-run --outdir`, for the
 * worker and for minimal Hono and Hono + stripe workers (what they weigh alone).
 */
import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
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
	/**
	 * What the bundle is made of (esbuild's metafile, through wrangler's
	 * `--metafile`): each package whole, our sources by folder, largest first;
	 * gzip is the bundle's, shared out in proportion to raw bytes (an estimate).
	 */
	modules: { name: string; rawKiB: number; gzipKiB: number }[];
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
	const metafile = join(outdir, "..", `${basename(outdir)}-meta.json`);
	const output = await wrangler([
		"deploy",
		"--dry-run",
		"--config",
		target.config,
		"--outdir",
		outdir,
		"--metafile",
		metafile,
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
		modules: modulesOf(metafile, Number(match[2])),
	};
}

/** A module's group: a package whole (`stripe`), our sources by folder (`src/services`). */
function groupOf(path: string): string {
	const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
	if (pkg?.[1]) return pkg[1];
	const ours = /(?:^|\/)(src\/[^/]+)/.exec(path);
	return ours?.[1] ?? path;
}

function modulesOf(metafile: string, gzipKiB: number): BundleSize["modules"] {
	const meta = JSON.parse(readFileSync(metafile, "utf8")) as {
		outputs: Record<
			string,
			{ entryPoint?: string; inputs: Record<string, { bytesInOutput: number }> }
		>;
	};
	const bytes = new Map<string, number>();
	for (const output of Object.values(meta.outputs))
		for (const [path, input] of Object.entries(output.inputs))
			bytes.set(groupOf(path), (bytes.get(groupOf(path)) ?? 0) + input.bytesInOutput);
	const total = [...bytes.values()].reduce((a, b) => a + b, 0);
	return [...bytes]
		.map(([name, n]) => ({ name, rawKiB: n / 1024, gzipKiB: total ? (gzipKiB * n) / total : 0 }))
		.sort((a, b) => b.rawKiB - a.rawKiB);
}
