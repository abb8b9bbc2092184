/**
 * The whole shop for the browser tests, isolated from anyone's `npm run dev`:
 * a fresh local D1 in a temporary directory, and the shop started by the one
 * launcher (scripts/stack.ts) with the Stripe emulator and the local mailbox
 * wired in, on free ports.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DEMO_PROMOTION_CODES } from "stripe-emulator";
import type { TestProject } from "vitest/node";
import { migrateLocal, seedDemo, startShop } from "../../scripts/stack.ts";

declare module "vitest" {
	interface ProvidedContext {
		e2eWorkerUrl: string;
		e2eEmulatorUrl: string;
		e2eMailboxUrl: string;
		e2ePersistDir: string;
		e2eAdminToken: string;
	}
}

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const E2E_ADMIN_TOKEN = "e2e-admin-token-0123456789abcdef";

export default async function setup(project: TestProject) {
	// Screenshots are of this run only (a stale "failed-…" one would mislead).
	rmSync(join(ROOT, "test-results/screenshots"), { recursive: true, force: true });
	const persistDir = mkdtempSync(join(tmpdir(), "e2e-d1-"));
	// An explicit (empty) env file: wrangler then ignores a developer's .dev.vars.
	const envFile = join(persistDir, "e2e.env");
	writeFileSync(envFile, "");
	migrateLocal({ persistTo: persistDir });
	seedDemo({ persistTo: persistDir });

	const emulatorLog: string[] = [];
	const mailboxLog: string[] = [];
	const shop = await startShop({
		persistTo: persistDir,
		envFile,
		logLevel: "warn",
		vars: {
			CHECKOUT_RATE_LIMIT: "off",
			RECONCILE_GRACE_SECONDS: "0",
			ADMIN_TOKEN: E2E_ADMIN_TOKEN,
			// Customer accounts on (SPEC 14).
			SESSION_SECRET: `e2e-session-secret-${randomBytes(16).toString("hex")}`,
			// wrangler.toml's shipping countries and codes, and tax on: the emulator's rule taxes
			// France at 20 % and the United States at 0 %.
			AUTOMATIC_TAX: "on",
		},
		emulator: {
			port: 0,
			webhookSecret: `whsec_e2e_${randomBytes(12).toString("hex")}`,
			retryBaseMs: 50,
			// The codes `npm run dev` offers, so a journey can use one as a shopper would.
			promotionCodes: DEMO_PROMOTION_CODES,
			log: (line) => emulatorLog.push(line),
		},
		// Every email the worker sends, for a journey to read (local-mailbox/client).
		mailbox: { port: 0, log: (line) => mailboxLog.push(line) },
	});

	project.provide("e2eWorkerUrl", shop.url);
	project.provide("e2eEmulatorUrl", shop.emulator?.url ?? "");
	project.provide("e2eMailboxUrl", shop.mailbox?.url ?? "");
	project.provide("e2ePersistDir", persistDir);
	project.provide("e2eAdminToken", E2E_ADMIN_TOKEN);

	return async () => {
		if (process.env.E2E_VERBOSE) {
			console.log(
				`wrangler dev output:\n${shop.server.output()}\nemulator log:\n${emulatorLog.join("\n")}\nmailbox log:\n${mailboxLog.join("\n")}`,
			);
		}
		await shop.stop();
		rmSync(persistDir, { recursive: true, force: true });
	};
}
