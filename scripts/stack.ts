/**
 * Starting "the shop": `wrangler dev` (in its own process group, on a chosen or
 * free port) and, for local Stripe, the emulator wired to it, and, for local
 * email, the mailbox that takes the worker's `resend` calls. The one place
 * that does it, for `npm run dev`, the browser tests and the benchmarks, so
 * they cannot drift apart.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomInt } from "node:crypto";
import { createWriteStream, readdirSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import type { DatabaseSync } from "node:sqlite";
import { fileURLToPath } from "node:url";
import { type Mailbox, type MailboxOptions, startMailbox } from "local-mailbox";
import { type Emulator, type EmulatorOptions, startEmulator } from "stripe-emulator";
import { HANDLED_EVENT_TYPES } from "../src/domain/handled-events.ts";

export const ROOT = fileURLToPath(new URL("../", import.meta.url)).replace(/\/$/, "");
/** wrangler's launcher, run with this Node (22) whatever `node` is first on PATH. */
const WRANGLER_JS = join(ROOT, "node_modules/wrangler/bin/wrangler.js");
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Environment for every wrangler run: no prompts, no telemetry, no local
 * tracing, and no fetch of `Request.cf` (the worker never reads it; offline
 * the fetch fails with a stack trace).
 */
export function wranglerEnv(): NodeJS.ProcessEnv {
	return {
		...process.env,
		PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ""}`,
		CI: "true",
		WRANGLER_SEND_METRICS: "false",
		X_LOCAL_OBSERVABILITY: "false",
		CLOUDFLARE_CF_FETCH_ENABLED: "false",
	};
}

/** Runs a wrangler command to completion; resolves to its output, rejects with it when it fails. */
export function wrangler(
	args: string[],
	options: { cwd?: string; timeoutMs?: number } = {},
): Promise<string> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [WRANGLER_JS, ...args], {
			cwd: options.cwd ?? ROOT,
			env: { ...wranglerEnv(), NO_COLOR: "1", FORCE_COLOR: "0" },
			stdio: ["ignore", "pipe", "pipe"],
		});
		let output = "";
		child.stdout?.on("data", (chunk: Buffer) => {
			output += chunk.toString();
		});
		child.stderr?.on("data", (chunk: Buffer) => {
			output += chunk.toString();
		});
		const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 180_000);
		child.once("error", (err) => {
			clearTimeout(timer);
			reject(err);
		});
		child.once("close", (code, signal) => {
			clearTimeout(timer);
			if (code === 0) resolve(output);
			else
				reject(
					new Error(
						`wrangler ${args.slice(0, 3).join(" ")} failed (${signal ?? `exit ${code}`}):\n${output.slice(-3000)}`,
					),
				);
		});
	});
}

/** Applies the D1 migrations to a local database, printing wrangler's errors only. */
export function migrateLocal(options: { persistTo?: string; config?: string } = {}): void {
	const result = spawnSync(
		process.execPath,
		[
			WRANGLER_JS,
			"d1",
			"migrations",
			"apply",
			"DB",
			"--local",
			...(options.config ? ["--config", options.config] : []),
			...(options.persistTo ? ["--persist-to", options.persistTo] : []),
		],
		{ cwd: ROOT, stdio: ["ignore", "ignore", "inherit"], env: wranglerEnv(), timeout: 120_000 },
	);
	if (result.status !== 0)
		throw new Error("Applying the D1 migrations to the local database failed (see above).");
}

/**
 * Loads the demo shop (seeds/demo.sql: catalog and shipping rates, and the
 * e-book's file in R2) into the local database and bucket, after the
 * migrations; `remote` into the deployed ones (`npm run db:seed:demo -- --remote`).
 * A row whose id exists is left as it is, so the owner's edits to a demo product
 * survive a restart.
 */
export function seedDemo(
	options: { persistTo?: string; config?: string; remote?: boolean } = {},
): void {
	const shared = [
		options.remote ? "--remote" : "--local",
		...(options.config ? ["--config", options.config] : []),
		...(options.persistTo ? ["--persist-to", options.persistTo] : []),
	];
	const run = (args: string[], what: string) => {
		const result = spawnSync(process.execPath, [WRANGLER_JS, ...args, ...shared], {
			cwd: ROOT,
			// A remote load may ask the owner to confirm or sign in: it is theirs to answer.
			stdio: options.remote ? "inherit" : ["ignore", "ignore", "inherit"],
			env: wranglerEnv(),
			timeout: options.remote ? undefined : 120_000,
		});
		if (result.status !== 0) throw new Error(`Loading the demo shop (${what}) failed (see above).`);
	};
	run(["d1", "execute", "DB", "--file", DEMO_SEED], DEMO_SEED);
	// The e-book's file (its product names it in seeds/demo.sql), in the R2 bucket.
	run(
		[
			"r2",
			"object",
			"put",
			`${DEMO_BUCKET}/${DEMO_FILE.key}`,
			"--file",
			DEMO_FILE.path,
			"--content-type",
			"application/pdf",
		],
		DEMO_FILE.path,
	);
}

/** The demo e-book's file: where seeds/demo.sql says it is in R2, and where it is here. */
export const DEMO_FILE = { key: "files/brewing-guide/demo", path: "seeds/files/brewing-guide.pdf" };
const DEMO_BUCKET = "shop-media";

/** The demo shop's data: never a migration, so a production database starts empty. */
export const DEMO_SEED = "seeds/demo.sql";

/** Ports the README gives the shop, the emulator and the mailbox: never handed out here. */
const KNOWN_PORTS = new Set([8787, 12111, 12112]);

/**
 * A free loopback TCP port for a server about to start. It is picked below
 * Linux's ephemeral range (32768 up), from which the OS takes the source port
 * of every outgoing connection: a port from that range, free when checked, can
 * be taken by a connection in the seconds before wrangler binds it (a busy
 * test run saw "Address already in use"). Falls back to the OS's own pick.
 */
export async function freePort(): Promise<number> {
	for (let attempt = 0; attempt < 100; attempt++) {
		const port = 20_000 + randomInt(12_768);
		if (!KNOWN_PORTS.has(port) && (await portIsFree(port))) return port;
	}
	return osPort();
}

/** A port the OS picks (closed again before it is returned). */
function osPort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.unref();
		server.once("error", reject);
		server.listen(0, "127.0.0.1", () => {
			const address = server.address();
			const port = typeof address === "object" && address ? address.port : 0;
			server.close(() => resolve(port));
		});
	});
}

/** Whether nothing listens on `port` of `host` yet (a moment later, something may). */
export function portIsFree(port: number, host = "127.0.0.1"): Promise<boolean> {
	return new Promise((resolve) => {
		const server = createServer();
		server.unref();
		server.once("error", () => resolve(false));
		server.listen(port, host, () => server.close(() => resolve(true)));
	});
}

/**
 * Waits until `url` answers 200, or throws after `timeoutMs`. `/healthz` counts
 * as answering with its 503 too: the worker is up and says which settings are
 * wrong (a shop being set up, a test of a bad setting).
 */
export async function waitForHttp(url: string, timeoutMs: number, isAlive: () => boolean) {
	const deadline = Date.now() + timeoutMs;
	const health = new URL(url).pathname === "/healthz";
	let last = "";
	while (Date.now() < deadline) {
		if (!isAlive()) throw new Error(`the server for ${url} exited while starting`);
		try {
			const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
			const body = await response.text();
			if (response.status === 200) return;
			if (health && response.status === 503 && body.includes('"problems"')) return;
			last = `status ${response.status}`;
		} catch (err) {
			last = err instanceof Error ? err.message : String(err);
		}
		await sleep(200);
	}
	throw new Error(`${url} did not answer 200 within ${timeoutMs} ms (${last})`);
}

/** Signals a process group (wrangler and its workerd children); quiet when it is gone. */
export function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
	if (pid === undefined) return;
	try {
		process.kill(-pid, signal);
	} catch {
		// Already gone.
	}
}

export type DevServer = {
	url: string;
	port: number;
	/** The wrangler process (leader of its own process group). */
	pid: number;
	/** Resolves with the exit code when wrangler exits. */
	exited: Promise<number | null>;
	/** What wrangler printed (with `output: "capture"`). */
	output(): string;
	stop(): Promise<void>;
};

export type DevServerOptions = {
	config?: string;
	/** Default: a free port. */
	port?: number;
	/** Default 127.0.0.1; npm run dev serves on wrangler's default (localhost). */
	ip?: string | null;
	/** Serve `main` as built (no esbuild, no rebuild when sources change). */
	noBundle?: boolean;
	/** wrangler's --log-level (default: wrangler's own). */
	logLevel?: string;
	/** `cli`: `wrangler dev` (default); `api`: the same through wrangler's API, no inspector (bench/lib/dev-api.ts). */
	runner?: "cli" | "api";
	/** Local state (D1); default wrangler's `.wrangler/state`. */
	persistTo?: string;
	/** Read only this env file instead of `.dev.vars` (an empty one: nothing from the developer's). */
	envFile?: string;
	vars?: Record<string, string>;
	/** Expose `/__scheduled` (the Cron) as `wrangler dev --test-scheduled` does. */
	testScheduled?: boolean;
	extraArgs?: string[];
	/** Wait for this path to answer 200; null: do not wait. Default `/healthz`. */
	readyPath?: string | null;
	/** `inherit`: wrangler talks to the terminal (npm run dev); `capture`: kept for `output()`; or a log file. */
	output?: "inherit" | "capture" | { logFile: string };
	timeoutMs?: number;
};

/** Starts `wrangler dev` in its own process group and waits until it answers. */
export async function startWranglerDev(options: DevServerOptions = {}): Promise<DevServer> {
	const port = options.port ?? (await freePort());
	// An explicit inspector port: the default (9229, else the next free one) races with other wrangler devs.
	const inspectorPort = await freePort();
	const ip = options.ip === undefined ? "127.0.0.1" : options.ip;
	const args = [
		"dev",
		...(options.config ? ["--config", options.config] : []),
		...(options.noBundle ? ["--no-bundle"] : []),
		...(ip ? ["--ip", ip] : []),
		"--port",
		String(port),
		...(options.extraArgs?.includes("--inspector-port")
			? []
			: ["--inspector-port", String(inspectorPort)]),
		...(options.logLevel ? ["--log-level", options.logLevel] : []),
		"--show-interactive-dev-session=false",
		...(options.persistTo ? ["--persist-to", options.persistTo] : []),
		...(options.envFile ? ["--env-file", options.envFile] : []),
		...(options.testScheduled ? ["--test-scheduled"] : []),
		...(options.extraArgs ?? []),
	];
	for (const [key, value] of Object.entries(options.vars ?? {}))
		args.push("--var", `${key}:${value}`);
	const command =
		options.runner === "api"
			? [
					join(ROOT, "bench/lib/dev-api.ts"),
					JSON.stringify({
						config: options.config ?? join(ROOT, "wrangler.toml"),
						noBundle: options.noBundle ?? false,
						port,
						persistTo: options.persistTo,
						vars: options.vars ?? {},
						logLevel: options.logLevel ?? "warn",
					}),
				]
			: [WRANGLER_JS, ...args];
	const how = options.output ?? "capture";
	const child: ChildProcess = spawn(process.execPath, command, {
		cwd: ROOT,
		env: wranglerEnv(),
		detached: how !== "inherit",
		stdio: how === "inherit" ? "inherit" : ["ignore", "pipe", "pipe"],
	});
	let captured = "";
	if (how === "capture") {
		const collect = (chunk: Buffer) => {
			captured += chunk.toString("utf8");
			if (captured.length > 400_000) captured = captured.slice(-200_000);
		};
		child.stdout?.on("data", collect);
		child.stderr?.on("data", collect);
	} else if (how !== "inherit") {
		const log = createWriteStream(how.logFile);
		child.stdout?.pipe(log);
		child.stderr?.pipe(log);
	}
	const pid = child.pid as number;
	let alive = true;
	const exited = new Promise<number | null>((resolve) =>
		child.once("exit", (code) => {
			alive = false;
			resolve(code);
		}),
	);
	// Even if the caller dies first, leave no wrangler or workerd behind.
	const killOnExit = () => killGroup(pid, "SIGKILL");
	if (how !== "inherit") process.once("exit", killOnExit);
	const stop = async () => {
		process.off("exit", killOnExit);
		if (alive) {
			if (how === "inherit") child.kill("SIGINT");
			else killGroup(pid, "SIGTERM");
			const timedOut = await Promise.race([exited.then(() => false), sleep(5000).then(() => true)]);
			if (timedOut) killGroup(pid, "SIGKILL");
		}
		// workerd may outlive wrangler for a moment: make sure the whole group is gone.
		if (how !== "inherit") killGroup(pid, "SIGKILL");
	};
	const url = `http://${ip ?? "localhost"}:${port}`;
	const readyPath = options.readyPath === undefined ? "/healthz" : options.readyPath;
	if (readyPath !== null) {
		try {
			await waitForHttp(`${url}${readyPath}`, options.timeoutMs ?? 90_000, () => alive);
		} catch (err) {
			await stop();
			throw new Error(`${(err as Error).message}\n${captured.slice(-5000)}`);
		}
	}
	return { url, port, pid, exited, output: () => captured, stop };
}

/** The key the worker uses against the emulator (it takes any test key). */
/** The SQLite file behind the local D1 database under a `--persist-to` folder. */
export function localD1File(persistTo: string): string {
	const dir = join(persistTo, "v3/d1/miniflare-D1DatabaseObject");
	const file = readdirSync(dir).find((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite");
	if (!file) throw new Error(`no D1 database file in ${dir}`);
	return join(dir, file);
}

/** Opens an SQLite file with node:sqlite, loaded lazily and without its ExperimentalWarning. */
export async function openSqlite(
	path: string,
	options: { readOnly?: boolean } = {},
): Promise<DatabaseSync> {
	const emit = process.emitWarning;
	process.emitWarning = () => {};
	try {
		const sqlite = await import("node:sqlite");
		return new sqlite.DatabaseSync(path, { readOnly: options.readOnly ?? false });
	} finally {
		process.emitWarning = emit;
	}
}

export const EMULATOR_SECRET_KEY = "sk_test_emulator";
/** The emulator's publishable key: /pay.html's Stripe.js stand-in takes any test one. */
export const EMULATOR_PUBLISHABLE_KEY = "pk_test_emulator";

/** The sender the worker uses against the local mailbox (any address does; this one reads right). */
export const MAILBOX_EMAIL_FROM = "Bean & Leaf <orders@localhost>";

export type Shop = {
	url: string;
	server: DevServer;
	emulator: Emulator | null;
	mailbox: Mailbox | null;
	stop(): Promise<void>;
};

/** The worker's email settings for the local mailbox: its `resend` provider pointed at it. */
export function mailboxVars(mailbox: Mailbox): Record<string, string> {
	return {
		EMAIL_PROVIDER: "resend",
		EMAIL_API_BASE: mailbox.url,
		RESEND_API_KEY: mailbox.apiKey,
		EMAIL_FROM: MAILBOX_EMAIL_FROM,
	};
}

/**
 * The whole shop: with `emulator`, the local Stripe emulator (in this process)
 * and `wrangler dev` pointed at each other (the Stripe variables set with
 * `--var`, webhooks signed and forwarded, only the handled event types, as
 * `stripe listen` does); without it, `wrangler dev` as configured. With
 * `mailbox`, the local mailbox (in this process) and the worker's email
 * settings pointed at it (`mailboxVars`), except those the caller's `vars` set.
 */
export async function startShop(
	options: DevServerOptions & {
		emulator?: EmulatorOptions | null;
		mailbox?: MailboxOptions | null;
	},
): Promise<Shop> {
	const port = options.port ?? (await freePort());
	let emulator: Emulator | null = null;
	let mailbox: Mailbox | null = null;
	const vars = { ...options.vars };
	if (options.mailbox) {
		mailbox = await startMailbox(options.mailbox);
		for (const [name, value] of Object.entries(mailboxVars(mailbox))) vars[name] ??= value;
	}
	if (options.emulator) {
		try {
			emulator = await startEmulator({
				webhookUrl: `http://127.0.0.1:${port}/webhook`,
				webhookEvents: HANDLED_EVENT_TYPES,
				...options.emulator,
			});
		} catch (err) {
			await mailbox?.close();
			throw err;
		}
		Object.assign(vars, {
			STRIPE_SECRET_KEY: EMULATOR_SECRET_KEY,
			STRIPE_PUBLISHABLE_KEY: EMULATOR_PUBLISHABLE_KEY,
			STRIPE_WEBHOOK_SECRET: emulator.webhookSecret,
			STRIPE_API_BASE: emulator.url,
		});
	}
	let server: DevServer;
	try {
		server = await startWranglerDev({ ...options, port, vars });
	} catch (err) {
		await emulator?.close();
		await mailbox?.close();
		throw err;
	}
	return {
		url: server.url,
		server,
		emulator,
		mailbox,
		stop: async () => {
			await server.stop();
			await emulator?.close();
			await mailbox?.close();
		},
	};
}
