import { parseArgs } from "node:util";
import { parsePromotionCodeFlag } from "./discounts/seed-flag.ts";
import { DEMO_PROMOTION_CODES, describeSeed, startEmulator } from "./server.ts";

const USAGE = `Usage: npm run emulator -- [--port 12111] [--host 127.0.0.1] [--forward-to URL] [--secret whsec_…]
                            [--public-url URL] [--retry-base-ms 1000] [--quiet]
                            [--demo-promotion-codes] [--promotion-code CODE=10% | CODE=5.00usd]…
                            [--after-retries cancel|unpaid]`;

/** Runs the emulator until SIGINT/SIGTERM, printing the URL and signing secret like `stripe listen`. */
export async function main(argv: string[]): Promise<void> {
	const { values } = parseArgs({
		args: argv,
		options: {
			port: { type: "string", default: "12111" },
			host: { type: "string", default: "127.0.0.1" },
			"forward-to": { type: "string" },
			secret: { type: "string" },
			"public-url": { type: "string" },
			"retry-base-ms": { type: "string" },
			quiet: { type: "boolean", default: false },
			"demo-promotion-codes": { type: "boolean", default: false },
			"promotion-code": { type: "string", multiple: true },
			"after-retries": { type: "string" },
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
	const promotionCodes = [
		...(values["demo-promotion-codes"] ? DEMO_PROMOTION_CODES : []),
		...(values["promotion-code"] ?? []).map(parsePromotionCodeFlag),
	];
	const afterRetries = values["after-retries"];
	if (afterRetries !== undefined && afterRetries !== "cancel" && afterRetries !== "unpaid") {
		throw new Error(`Invalid --after-retries: ${afterRetries} (cancel or unpaid)`);
	}
	const emulator = await startEmulator({
		afterRetries,
		promotionCodes,
		port,
		host: values.host,
		webhookUrl: values["forward-to"],
		webhookSecret: values.secret,
		publicUrl: values["public-url"],
		retryBaseMs: values["retry-base-ms"] ? Number(values["retry-base-ms"]) : undefined,
		log: values.quiet ? undefined : (line) => console.log(`${new Date().toISOString()}  ${line}`),
	});
	console.log(`Stripe emulator listening on ${emulator.url}`);
	if (values["forward-to"]) console.log(`Forwarding events to ${values["forward-to"]}`);
	if (promotionCodes.length > 0) {
		console.log(`Promotion codes: ${promotionCodes.map(describeSeed).join(", ")}`);
	}
	console.log(`Ready! Your webhook signing secret is ${emulator.webhookSecret} (^C to quit)`);
	let stopping = false;
	const stop = async (signal: string) => {
		if (stopping) return;
		stopping = true;
		console.log(`${signal}: shutting down`);
		await emulator.close();
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
