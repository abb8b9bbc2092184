/**
 * Bindings from wrangler.toml (the generated `Env`: D1, assets, rate limiter,
 * the `[vars]` with defaults) plus every secret and optional setting. These are
 * typed here, not inferred by `wrangler types`, so the generated file does not
 * depend on anyone's `.dev.vars`; each is validated per request in `config.ts`.
 */
export type Bindings = Env & {
	STRIPE_SECRET_KEY?: string;
	STRIPE_WEBHOOK_SECRET?: string;
	STRIPE_API_BASE?: string;
	ADMIN_TOKEN?: string;
	ALERT_WEBHOOK_URL?: string;
	APP_URL?: string;
	CHECKOUT_RATE_LIMIT?: string;
	DEFAULT_LOCALE?: string;
	EMAIL_PROVIDER?: string;
	EMAIL_FROM?: string;
	RESEND_API_KEY?: string;
	EMAIL_API_BASE?: string;
	SESSION_SECRET?: string;
	/** The Email Service `send_email` binding, for EMAIL_PROVIDER=cloudflare (declared by the owner). */
	EMAIL?: SendEmail;
};
