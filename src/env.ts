import type { Logger } from "./lib/log";

/**
 * Bindings from wrangler.toml (generated `Env`) plus the optional variables
 * and secrets that wrangler cannot know about.
 */
export type Bindings = Env & {
	ADMIN_TOKEN?: string;
	ALERT_WEBHOOK_URL?: string;
	APP_URL?: string;
	STRIPE_API_BASE?: string;
	CHECKOUT_RATE_LIMIT?: string;
};

export type AppEnv = {
	Bindings: Bindings;
	Variables: { requestId: string; log: Logger };
};
