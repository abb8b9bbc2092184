/**
 * Where the worker's CPU goes on its hot paths: a sampling CPU profile of the
 * worker's isolate (the inspector `wrangler dev` exposes, Chrome DevTools
 * Protocol) while a bounded load runs, summed by the module each sample's
 * function comes from. The worker is served unminified for this (the bundle's
 * `// src/…` and `// node_modules/…` markers tell the modules apart); the
 * other measures time the minified bundle that deploys.
 *
 * Only JavaScript on the worker's isolate is sampled: local D1's SQLite and
 * workerd's own I/O are not in the profile (they are in the CPU columns of
 * measures 1 and 2).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { type LoadSpec, runLoad } from "../lib/load.ts";

export type ProfileTarget = { label: string; load: Omit<LoadSpec, "label" | "cpuOf"> };

export type ProfileBucket = { name: string; ms: number; share: number };

export type RouteProfile = {
	label: string;
	requests: number;
	/** Sampled JavaScript time per request (idle excluded), ms. */
	activeMsPerRequest: number;
	/** By module (or runtime activity), largest first. */
	modules: ProfileBucket[];
	/** By function (name, module), largest first. */
	functions: ProfileBucket[];
	/**
	 * By the nearest function of our own (src/) on each sample's stack: what a
	 * line of ours costs with the library and runtime work it asks for.
	 */
	ours: ProfileBucket[];
};

type CpuProfile = {
	nodes: {
		id: number;
		callFrame: { functionName: string; url: string; lineNumber: number };
		children?: number[];
	}[];
	samples: number[];
	timeDeltas: number[];
};

/**
 * A minimal CDP client over the inspector's WebSocket (Node's own; wrangler's
 * inspector proxy wants an `Origin`, which undici's WebSocket takes as a header).
 */
async function inspector(port: number) {
	const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, {
		headers: { Origin: `http://127.0.0.1:${port}` },
	} as unknown as string[]);
	await new Promise<void>((resolve, reject) => {
		ws.addEventListener("open", () => resolve(), { once: true });
		ws.addEventListener("error", () => reject(new Error(`inspector on port ${port} refused`)), {
			once: true,
		});
	});
	let next = 0;
	const waiting = new Map<number, (result: unknown) => void>();
	ws.addEventListener("message", (event) => {
		const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown };
		if (message.id !== undefined) waiting.get(message.id)?.(message.result);
	});
	const send = <T>(method: string, params: Record<string, unknown> = {}) =>
		new Promise<T>((resolve) => {
			const id = ++next;
			waiting.set(id, (result) => resolve(result as T));
			ws.send(JSON.stringify({ id, method, params }));
		});
	return { send, close: () => ws.close() };
}

/** Module boundaries of an unminified esbuild bundle: [first line (0-based), module]. */
function moduleMap(bundleFile: string): [number, string][] {
	const marks: [number, string][] = [];
	readFileSync(bundleFile, "utf8")
		.split("\n")
		.forEach((line, i) => {
			const m =
				/^\/\/ (?:\.\.\/)*(?:\S*?\/)?((?:src|node_modules|packages)\/\S+\.[cm]?[jt]s)$/.exec(line);
			if (m?.[1]) marks.push([i, m[1]]);
		});
	return marks;
}

/** A module path as the table groups it: each package whole, our sources by file. */
function groupOf(path: string): string {
	const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
	return pkg?.[1] ?? path;
}

function moduleAt(marks: [number, string][], line: number): string {
	let lo = 0;
	let hi = marks.length - 1;
	let found = "(bundle prelude)";
	while (lo <= hi) {
		const mid = (lo + hi) >> 1;
		const [start, name] = marks[mid] as [number, string];
		if (start <= line) {
			found = groupOf(name);
			lo = mid + 1;
		} else hi = mid - 1;
	}
	return found;
}

/** Where a sample's function lives: a bundle module, or the runtime (workerd's own JS, V8, GC). */
function place(frame: CpuProfile["nodes"][number]["callFrame"], marks: [number, string][]) {
	const { url, functionName, lineNumber } = frame;
	if (/index\.js$/.test(url)) return moduleAt(marks, lineNumber);
	if (url.startsWith("cloudflare-internal:")) return `runtime: ${url.slice(20)}`;
	if (functionName === "(garbage collector)") return "runtime: garbage collection";
	if (functionName === "(program)") return "runtime: (program)";
	return `runtime: ${functionName || "(anonymous)"}`;
}

function buckets(map: Map<string, number>, total: number, requests: number): ProfileBucket[] {
	return [...map]
		.map(([name, us]) => ({ name, ms: us / 1000 / requests, share: us / total }))
		.sort((a, b) => b.ms - a.ms);
}

export async function profileRoutes(options: {
	inspectorPort: number;
	/** The unminified bundle served (its module markers name the samples); null: one group, "worker". */
	bundleFile: string | null;
	url: string;
	targets: ProfileTarget[];
	/** Where to write each path's .cpuprofile (for DevTools), if anywhere. */
	saveTo?: (label: string) => string;
	log: (line: string) => void;
}): Promise<RouteProfile[]> {
	const marks: [number, string][] = options.bundleFile
		? moduleMap(options.bundleFile)
		: [[0, "src/worker"]];
	if (options.bundleFile && marks.length < 20)
		throw new Error(`${options.bundleFile} has no module markers (minified?)`);
	const cdp = await inspector(options.inspectorPort);
	const results: RouteProfile[] = [];
	try {
		await cdp.send("Profiler.enable");
		await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
		for (const target of options.targets) {
			await cdp.send("Profiler.start");
			const run = await runLoad({ ...target.load, label: target.label, cpuOf: () => ({}) });
			const { profile } = await cdp.send<{ profile: CpuProfile }>("Profiler.stop");
			if (options.saveTo) writeFileSync(options.saveTo(target.label), JSON.stringify(profile));
			const byId = new Map(profile.nodes.map((n) => [n.id, n]));
			const parent = new Map<number, number>();
			for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
			/** The nearest frame of ours at or above a node, as `function (src/file)`. */
			const oursMemo = new Map<number, string>();
			const oursOf = (id: number): string => {
				const memo = oursMemo.get(id);
				if (memo) return memo;
				const node = byId.get(id);
				let found = "(no frame of ours: runtime, Hono)";
				if (node) {
					const where = place(node.callFrame, marks);
					if (where.startsWith("src/"))
						found = `${node.callFrame.functionName || "(anonymous)"} (${where})`;
					else {
						const up = parent.get(id);
						if (up !== undefined) found = oursOf(up);
					}
				}
				oursMemo.set(id, found);
				return found;
			};
			const modules = new Map<string, number>();
			const functions = new Map<string, number>();
			const ours = new Map<string, number>();
			let active = 0;
			profile.samples.forEach((nodeId, i) => {
				const node = byId.get(nodeId);
				const us = profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0;
				if (!node || node.callFrame.functionName === "(idle)") return;
				active += us;
				const where = place(node.callFrame, marks);
				modules.set(where, (modules.get(where) ?? 0) + us);
				const fn = `${node.callFrame.functionName || "(anonymous)"} (${where})`;
				functions.set(fn, (functions.get(fn) ?? 0) + us);
				const mine = oursOf(nodeId);
				ours.set(mine, (ours.get(mine) ?? 0) + us);
			});
			const requests = Math.max(1, run.completed);
			results.push({
				label: target.label,
				requests: run.completed,
				activeMsPerRequest: active / 1000 / requests,
				modules: buckets(modules, active, requests),
				functions: buckets(functions, active, requests),
				ours: buckets(ours, active, requests),
			});
			options.log(
				`  profile ${target.label}: ${run.completed} requests, ${(active / 1000 / requests).toFixed(2)} ms sampled JS each`,
			);
		}
	} finally {
		cdp.close();
	}
	return results;
}
