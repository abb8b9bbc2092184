import type { D1Migration } from "cloudflare:test";

declare global {
	namespace Cloudflare {
		interface Env {
			TEST_MIGRATIONS: D1Migration[];
			TEST_DEMO_SEED: string;
			STRIPE_API_BASE: string;
			ADMIN_TOKEN: string;
		}
	}
}
