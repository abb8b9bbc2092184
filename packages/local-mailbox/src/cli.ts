import { parseArgs } from "node:util";
import { DEFAULT_MAILBOX_PORT, LOCAL_MAILBOX_API_KEY, startMailbox } from "./server.ts";

const USAGE = `Usage: npm run mailbox -- [--port ${DEFAULT_MAILBOX_PORT}] [--host 127.0.0.1] [--api-key ${LOCAL_MAILBOX_API_KEY}]
                           [--state FILE.json] [--quiet]`;

/** Runs the mailbox until SIGINT/SIGTERM, printing where to point the worker and where to read the mail. */
export async function main(argv: string[]): Promise<void> {
	const { values } = parseArgs({
		args: argv,
		options: {
			port: { type: "string", default: String(DEFAULT_MAILBOX_PORT) },
			host: { type: "string", default: "127.0.0.1" },
			"api-key": { type: "string", default: LOCAL_MAILBOX_API_KEY },
			state: { type: "string" },
			quiet: { type: "boolean", default: false },
			help: { type: "boolean", short: "h", default: false },
		},
	});
	if (values.help) {
		console.log(USAGE);
		return;
	}
	const port = Number(values.port);
	if (!Number.isInteger(port) || port < 0 || port > 65535)
		throw new Error(`Invalid --port: ${values.port}`);
	const mailbox = await startMailbox({
		port,
		host: values.host,
		apiKey: values["api-key"],
		statePath: values.state,
		log: values.quiet ? undefined : (line) => console.log(`${new Date().toISOString()}  ${line}`),
	});
	console.log(`Local mailbox listening on ${mailbox.url} (open it in a browser)`);
	console.log(
		`Point the worker at it: EMAIL_PROVIDER=resend EMAIL_API_BASE=${mailbox.url} RESEND_API_KEY=${mailbox.apiKey} (^C to quit)`,
	);
	let stopping = false;
	const stop = async (signal: string) => {
		if (stopping) return;
		stopping = true;
		console.log(`${signal}: shutting down`);
		await mailbox.close();
		process.exitCode = 0;
	};
	process.once("SIGINT", () => void stop("SIGINT"));
	process.once("SIGTERM", () => void stop("SIGTERM"));
}

if (import.meta.main) {
	main(process.argv.slice(2)).catch((error: unknown) => {
		console.error(error instanceof Error ? error.message : error);
		console.error(USAGE);
		process.exit(1);
	});
}
