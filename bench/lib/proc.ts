/**
 * Processes for the benchmarks: the shop's `wrangler dev` servers come from the
 * one launcher (scripts/stack.ts); here, what only the benchmarks need: the
 * workerd processes behind a server, their CPU time from /proc, and the
 * emulator in a process of its own (so it does not share the load generator's CPU).
 */
import { execFileSync, spawn } from "node:child_process";
import { createWriteStream, existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type DevServerOptions, ROOT, startWranglerDev } from "../../scripts/stack.ts";

export { freePort, ROOT, wrangler, wranglerEnv } from "../../scripts/stack.ts";

/** Clock ticks per second for utime/stime in /proc/<pid>/stat. */
export const CLK_TCK = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());

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
 * Starts `wrangler dev` lean (warnings only, no local tracing) through the
 * shop's launcher, logging to `logFile`, and finds its workerd processes.
 */
export async function startWranglerDevForBench(
	options: DevServerOptions & { logFile: string; readyPath: string },
): Promise<DevServer> {
	const dev = await startWranglerDev({
		logLevel: "warn",
		...options,
		output: { logFile: options.logFile },
	});
	const { pid, port, url, stop } = dev;
	try {
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
export function startEmulatorProcess(logFile: string): Promise<Emulator> {
	return startNodeService(
		"packages/stripe-emulator/src/cli.ts",
		/listening on (http:\/\/\S+)/,
		logFile,
		"the emulator",
	);
}

/** Starts the local mailbox (Resend's API) in its own Node process. */
export function startMailboxProcess(logFile: string): Promise<Emulator> {
	return startNodeService(
		"packages/local-mailbox/src/cli.ts",
		/listening on (http:\/\/\S+)/,
		logFile,
		"the mailbox",
	);
}

/** A Node service of the repo on a free port, ready once it prints its URL. */
async function startNodeService(
	script: string,
	ready: RegExp,
	logFile: string,
	name: string,
): Promise<Emulator> {
	const child = spawn(process.execPath, [join(ROOT, script), "--port", "0", "--quiet"], {
		cwd: ROOT,
		stdio: ["ignore", "pipe", "pipe"],
	});
	const log = createWriteStream(logFile);
	child.stderr?.pipe(log);
	const url = await new Promise<string>((resolve, reject) => {
		let buffered = "";
		const timer = setTimeout(() => reject(new Error(`${name} did not start`)), 20_000);
		child.stdout?.on("data", (chunk: Buffer) => {
			log.write(chunk);
			buffered += chunk.toString();
			const match = ready.exec(buffered);
			if (match?.[1]) {
				clearTimeout(timer);
				resolve(match[1]);
			}
		});
		child.once("exit", (code) => {
			clearTimeout(timer);
			reject(new Error(`${name} exited (${code})`));
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
