/**
 * `--runner api`: the same local dev server as `wrangler dev` (wrangler,
 * miniflare, workerd), started through wrangler's programmatic API with what
 * the CLI cannot turn off turned off: no inspector (through which every
 * `console.log` of the worker is forwarded to wrangler) and no file watching.
 *
 * Usage (by proc.ts): node bench/lib/dev-api.ts '<json options>'; prints `READY <url>`.
 */
import { unstable_startWorker } from "wrangler";

type Options = {
	config: string;
	noBundle: boolean;
	port: number;
	persistTo: string;
	vars: Record<string, string>;
	logLevel: "none" | "error" | "warn" | "info" | "log" | "debug";
};

const options = JSON.parse(process.argv[2] ?? "{}") as Options;
const worker = await unstable_startWorker({
	config: options.config,
	bindings: Object.fromEntries(
		Object.entries(options.vars).map(([name, value]) => [name, { type: "plain_text", value }]),
	),
	build: { bundle: !options.noBundle },
	dev: {
		inspector: false,
		watch: false,
		logLevel: options.logLevel,
		persist: options.persistTo,
		server: { hostname: "127.0.0.1", port: options.port },
	},
});
await worker.ready;
console.log(`READY ${(await worker.url).href}`);

const stop = async () => {
	await worker.dispose().catch(() => {});
	process.exit(0);
};
process.once("SIGTERM", () => void stop());
process.once("SIGINT", () => void stop());
