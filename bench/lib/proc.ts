/**
 * Processes for the benchmarks: wrangler commands, `wrangler dev` servers held
 * by their process group, the local Stripe emulator, and CPU time from /proc.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createWriteStream, existsSync, readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join } from "node:path";

export const ROOT = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");
/** wrangler's launcher, run with this Node (22) whatever `node` is first on PATH. */
const WRANGLER_JS = join(ROOT, "node_modules/wrangler/bin/wrangler.js");

/** Clock ticks per second for utime/stime in /proc/<pid>/stat. */
export const CLK_TCK = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());

/** Environment for every wrangler run: no prompts, no telemetry, no local tracing. */
export function wranglerEnv(): NodeJS.ProcessEnv {
	return {
		...process.env,
		PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ""}`,
		CI: "true",
		WRANGLER_SEND_METRICS: "false",
		X_LOCAL_OBSERVABILITY: "false",
		NO_COLOR: "1",
		FORCE_COLOR: "0",
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
			env: wranglerEnv(),
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

/** A free loopback TCP port (closed again before it is returned). */
export async function freePort(): Promise<number> {
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

/** utime + stime of a process (all its threads, live and exited), in milliseconds. */
export function cpuMs(pid: number): number {
	let stat: string;
	try {
		stat = readFileSync(`/proc/${pid}/stat`, "utf8");
	} catch {
		return Number.NaN; // The process is gone (wrangler restarted workerd).
	}
	// The command name (field 2) may hold spaces: count fields after its closing parenthesis.
	const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
	const utime = Number(fields[11]);
	const stime = Number(fields[12]);
	return ((utime + stime) * 1000) / CLK_TCK;
}

function childrenOf(pid: number): number[] {
	const out: number[] = [];
	let tasks: string[] = [];
	try {
		tasks = readdirSync(`/proc/${pid}/task`);
	} catch {
		return out;
	}
	for (const task of tasks) {
		try {
			const text = readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").trim();
			if (text) out.push(...text.split(/\s+/).map(Number));
		} catch {
			// The thread ended meanwhile.
		}
	}
	return out;
}

function descendants(pid: number): number[] {
	const all: number[] = [];
	const queue = [pid];
	while (queue.length > 0) {
		const next = queue.shift() as number;
		for (const child of childrenOf(next)) {
			all.push(child);
			queue.push(child);
		}
	}
	return all;
}

function cmdline(pid: number): string {
	try {
		return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ");
	} catch {
		return "";
	}
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until `url` answers 200, or throws after `timeoutMs`. */
export async function waitForHttp(url: string, timeoutMs: number, isAlive: () => boolean) {
	const deadline = Date.now() + timeoutMs;
	let last = "";
	while (Date.now() < deadline) {
		if (!isAlive()) throw new Error(`the server for ${url} exited while starting`);
		try {
			const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
			await response.arrayBuffer();
			if (response.status === 200) return;
			last = `status ${response.status}`;
		} catch (err) {
			last = err instanceof Error ? err.message : String(err);
		}
		await sleep(200);
	}
	throw new Error(`${url} did not answer 200 within ${timeoutMs} ms (${last})`);
}

export type DevServer = {
	url: string;
	port: number;
	/** The wrangler process (leader of its own process group). */
	pid: number;
	/** The workerd process that runs the worker (the one not on the public port). */
	workerPid: number;
	/** wrangler's dev proxy (a second workerd on the public port): not present in production. */
	proxyPid: number | null;
	/** Current workerd pids (found again if wrangler restarted workerd). */
	pids(): { worker: number; proxy: number | null };
	logFile: string;
	stop(): Promise<void>;
};

/**
 * Starts `wrangler dev` lean (no local tracing, warnings only, no interactive
 * session) in its own process group, waits for `readyPath` to answer 200 and
 * finds the workerd processes among its descendants.
 */
export async function startWranglerDev(options: {
	config?: string;
	/** Serve `main` as built (no esbuild, no rebuild when sources change). */
	noBundle?: boolean;
	/** wrangler's --log-level (default warn). */
	logLevel?: string;
	/** `cli`: `wrangler dev` (default); `api`: the same through wrangler's API, no inspector (dev-api.ts). */
	runner?: "cli" | "api";
	persistTo: string;
	vars: Record<string, string>;
	readyPath: string;
	logFile: string;
	timeoutMs?: number;
}): Promise<DevServer> {
	const port = await freePort();
	// An explicit inspector port: the default (9229, else the next free one) races with other wrangler devs.
	const inspectorPort = await freePort();
	const args = [
		"dev",
		...(options.config ? ["--config", options.config] : []),
		...(options.noBundle ? ["--no-bundle"] : []),
		"--ip",
		"127.0.0.1",
		"--port",
		String(port),
		"--inspector-port",
		String(inspectorPort),
		"--log-level",
		options.logLevel ?? "warn",
		"--show-interactive-dev-session=false",
		"--persist-to",
		options.persistTo,
	];
	for (const [key, value] of Object.entries(options.vars)) args.push("--var", `${key}:${value}`);
	const log = createWriteStream(options.logFile);
	const command =
		options.runner === "api"
			? [
					join(ROOT, "bench/lib/dev-api.ts"),
					JSON.stringify({
						config: options.config ?? join(ROOT, "wrangler.toml"),
						noBundle: options.noBundle ?? false,
						port,
						persistTo: options.persistTo,
						vars: options.vars,
						logLevel: options.logLevel ?? "warn",
					}),
				]
			: [WRANGLER_JS, ...args];
	const child: ChildProcess = spawn(process.execPath, command, {
		cwd: ROOT,
		env: wranglerEnv(),
		detached: true,
		stdio: ["ignore", "pipe", "pipe"],
	});
	child.stdout?.pipe(log);
	child.stderr?.pipe(log);
	const pid = child.pid as number;
	let exited = false;
	child.once("exit", () => {
		exited = true;
	});
	const stop = async () => {
		if (exited) return;
		const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
		try {
			process.kill(-pid, "SIGTERM");
		} catch {
			return;
		}
		const timedOut = await Promise.race([gone.then(() => false), sleep(5000).then(() => true)]);
		if (timedOut) {
			try {
				process.kill(-pid, "SIGKILL");
			} catch {
				// Already gone.
			}
		}
		// workerd may outlive wrangler for a moment: make sure the whole group is gone.
		try {
			process.kill(-pid, "SIGKILL");
		} catch {
			// Already gone.
		}
	};
	const url = `http://127.0.0.1:${port}`;
	try {
		await waitForHttp(`${url}${options.readyPath}`, options.timeoutMs ?? 90_000, () => !exited);
		const find = async () => {
			for (let i = 0; i < 50; i++) {
				let worker = 0;
				let proxy: number | null = null;
				for (const p of descendants(pid)) {
					const cmd = cmdline(p);
					if (!/\/workerd\s+serve\b/.test(cmd)) continue;
					// The dev proxy listens on the public port; the worker's runtime on a port of its own.
					if (cmd.includes(`entry=127.0.0.1:${port} `)) proxy = p;
					else worker = p;
				}
				if (worker) return { worker, proxy };
				await sleep(100);
			}
			throw new Error("could not find the workerd process that runs the worker");
		};
		const found = await find();
		const server: DevServer = {
			url,
			port,
			pid,
			workerPid: found.worker,
			proxyPid: found.proxy,
			logFile: options.logFile,
			stop,
			pids: () => {
				const alive = (p: number | null) => p !== null && existsSync(`/proc/${p}/stat`);
				if (!alive(server.workerPid) || (server.proxyPid !== null && !alive(server.proxyPid))) {
					for (const p of descendants(pid)) {
						const cmd = cmdline(p);
						if (!/\/workerd\s+serve\b/.test(cmd)) continue;
						if (cmd.includes(`entry=127.0.0.1:${port} `)) server.proxyPid = p;
						else server.workerPid = p;
					}
				}
				return { worker: server.workerPid, proxy: server.proxyPid };
			},
		};
		return server;
	} catch (err) {
		await stop();
		throw err;
	}
}

export type Emulator = { url: string; pid: number; stop(): Promise<void> };

/** Starts the Stripe emulator in its own Node process (so it does not share the load generator's CPU). */
export async function startEmulatorProcess(logFile: string): Promise<Emulator> {
	const child = spawn(process.execPath, [join(ROOT, "emulator/cli.ts"), "--port", "0", "--quiet"], {
		cwd: ROOT,
		stdio: ["ignore", "pipe", "pipe"],
	});
	const log = createWriteStream(logFile);
	child.stderr?.pipe(log);
	const url = await new Promise<string>((resolve, reject) => {
		let buffered = "";
		const timer = setTimeout(() => reject(new Error("the emulator did not start")), 20_000);
		child.stdout?.on("data", (chunk: Buffer) => {
			log.write(chunk);
			buffered += chunk.toString();
			const match = /listening on (http:\/\/\S+)/.exec(buffered);
			if (match?.[1]) {
				clearTimeout(timer);
				resolve(match[1]);
			}
		});
		child.once("exit", (code) => {
			clearTimeout(timer);
			reject(new Error(`the emulator exited (${code})`));
		});
	});
	return {
		url,
		pid: child.pid as number,
		stop: async () => {
			if (child.exitCode !== null) return;
			const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
			child.kill("SIGTERM");
			await Promise.race([gone, sleep(3000)]);
			if (child.exitCode === null) child.kill("SIGKILL");
		},
	};
}
