import { readFileSync } from "node:fs";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import type { Plugin } from "vitest/config";
import { defineConfig } from "vitest/config";
import {
	TEST_ADMIN_TOKEN,
	TEST_SESSION_SECRET,
	TEST_STRIPE_SECRET_KEY,
	TEST_WEBHOOK_SECRET,
} from "./test/support/constants.ts";

const migrations = await readD1Migrations("migrations");
/** The demo shop (seeds/demo.sql), loaded after the migrations by test/worker/setup.ts. */
const demoSeed = readFileSync("seeds/demo.sql", "utf8");

/** stripe-node ships source maps without their sources: silence ~200 warnings a run. */
function quietMissingSourceMaps(): Plugin {
	return {
		name: "quiet-missing-source-maps",
		configResolved(config) {
			const warnOnce = config.logger.warnOnce;
			config.logger.warnOnce = (msg, options) => {
				if (msg.includes("points to missing source files")) return;
				warnOnce(msg, options);
			};
		},
	};
}

export default defineConfig({
	test: {
		// Structured logs are printed for failing tests only.
		silent: "passed-only",
		projects: [
			{
				plugins: [
					quietMissingSourceMaps(),
					cloudflareTest(({ inject }) => ({
						wrangler: { configPath: "./wrangler.toml" },
						miniflare: {
							bindings: {
								TEST_MIGRATIONS: migrations,
								TEST_DEMO_SEED: demoSeed,
								STRIPE_SECRET_KEY: TEST_STRIPE_SECRET_KEY,
								STRIPE_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
								STRIPE_API_BASE: inject("stripeApiBase"),
								STRIPE_PUBLISHABLE_KEY: "pk_test_publishable",
								ADMIN_TOKEN: TEST_ADMIN_TOKEN,
								SESSION_SECRET: TEST_SESSION_SECRET,
								APP_URL: "https://shop.test",
								RECONCILE_GRACE_SECONDS: "0",
								CHECKOUT_RATE_LIMIT: "off",
								// The tests written before shipping existed price carts alone; the shipping
								// tests (test/worker/shipping.test.ts) set the countries per request.
								SHIPPING_COUNTRIES: "",
							},
						},
					})),
				],
				test: {
					name: "worker",
					include: ["test/worker/**/*.test.ts"],
					setupFiles: ["test/worker/setup.ts"],
					globalSetup: ["test/support/global-emulator.ts"],
				},
			},
			{
				plugins: [quietMissingSourceMaps()],
				test: {
					name: "node",
					environment: "node",
					include: ["test/node/**/*.test.ts", "packages/*/test/**/*.test.ts"],
					testTimeout: 30_000,
				},
			},
			{
				test: {
					// The product as the README tells a user to run it: a copy of the project,
					// a .dev.vars, `npm run dev` / `wrangler dev`, the README's commands.
					name: "user-path",
					environment: "node",
					include: ["test/user-path/**/*.test.ts"],
					testTimeout: 60_000,
					hookTimeout: 180_000,
					fileParallelism: false,
				},
			},
			{
				test: {
					name: "e2e",
					environment: "node",
					include: ["test/e2e/**/*.test.ts"],
					globalSetup: ["test/e2e/global-setup.ts"],
					testTimeout: 60_000,
					hookTimeout: 120_000,
					fileParallelism: false,
				},
			},
		],
	},
});
