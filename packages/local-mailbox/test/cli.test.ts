import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

const CLI = fileURLToPath(new URL("../src/cli.ts", import.meta.url));
let child: ChildProcess | null = null;
afterEach(() => {
	if (child && child.exitCode === null) child.kill("SIGKILL");
});

/** Everything `process` prints, and a wait for the first time it matches `pattern`. */
function watch(process: ChildProcess) {
	let output = "";
	process.stdout?.on("data", (chunk: Buffer) => {
		output += chunk.toString("utf8");
	});
	return async (pattern: RegExp): Promise<string> => {
		const deadline = Date.now() + 10_000;
		while (!pattern.test(output)) {
			if (Date.now() > deadline) throw new Error(`CLI printed: ${output}`);
			await new Promise((resolve) => setTimeout(resolve, 20));
		}
		return output;
	};
}

describe("the mailbox CLI", () => {
	it("prints where it listens and the worker's settings, takes email, and stops on SIGTERM", async () => {
		child = spawn(process.execPath, [CLI, "--port", "0", "--api-key", "re_from_cli"]);
		const printed = watch(child);
		const output = await printed(/RESEND_API_KEY=re_from_cli/);
		const url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
		expect(output).toContain(`EMAIL_API_BASE=${url}`);
		const res = await fetch(`${url}/emails`, {
			method: "POST",
			headers: { authorization: "Bearer re_from_cli", "content-type": "application/json" },
			body: JSON.stringify({ from: "a@localhost", to: "b@example.com", subject: "Hi", text: "Hi" }),
		});
		expect(res.status).toBe(200);
		const logged = await printed(/to b@example.com: Hi/);
		expect(logged).toMatch(/em_[0-9a-f]+ to b@example.com: Hi/);
		const exited = new Promise<number | null>((resolve) =>
			child?.once("exit", (code) => resolve(code)),
		);
		child.kill("SIGTERM");
		expect(await exited).toBe(0);
	});
});
