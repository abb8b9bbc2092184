import * as v from "valibot";
import { isLocale, LOCALES, type Locale } from "./i18n/catalogues.ts";
import { AppError } from "./lib/errors.ts";
import { isTestKey, SECRET_KEY_PATTERN, type StripeConfig } from "./lib/stripe.ts";

/**
 * Configuration is read from bindings on every request and validated here, at
 * the edge of the app; nothing secret is kept in module scope. Errors name the
 * variable, never its value.
 */

/**
 * The settings read here (SPEC 2), as text, unset when absent: what a Worker's
 * bindings carry, and what `npm run deploy` reads from wrangler.toml and the
 * secrets. Nothing else of the Worker, so scripts check settings with the same
 * rules.
 */
export type Settings = {
	STRIPE_SECRET_KEY?: string;
	STRIPE_WEBHOOK_SECRET?: string;
	STRIPE_API_BASE?: string;
	APP_URL?: string;
	MAX_ORDER_AMOUNT?: string;
	RECONCILE_GRACE_SECONDS?: string;
	CHECKOUT_RATE_LIMIT?: string;
	SHIPPING_COUNTRIES?: string;
	ALLOW_PROMOTION_CODES?: string;
	AUTOMATIC_TAX?: string;
	DEFAULT_LOCALE?: string;
	EMAIL_PROVIDER?: string;
	EMAIL_FROM?: string;
	RESEND_API_KEY?: string;
	EMAIL_API_BASE?: string;
	/** The Email Service binding, for EMAIL_PROVIDER=cloudflare: only whether it is there. */
	EMAIL?: unknown;
};

const secretKey = v.pipe(
	v.string(),
	v.trim(),
	v.regex(SECRET_KEY_PATTERN, "must look like sk_test_…, sk_live_… or rk_…"),
);
const webhookSecrets = v.pipe(
	v.string(),
	v.transform((raw) =>
		raw
			.split(",")
			.map((s) => s.trim())
			.filter(Boolean),
	),
	v.minLength(1, "is empty"),
	v.check(
		(list) => list.every((s) => /^whsec_\S+$/.test(s)),
		"must be whsec_… (comma-separated during rotation)",
	),
);
const httpOrigin = v.pipe(
	v.string(),
	v.trim(),
	v.url("must be a URL"),
	v.transform((s) => new URL(s)),
	v.check((u) => u.protocol === "http:" || u.protocol === "https:", "must be http(s)"),
);
const positiveInt = (fallback: number) =>
	v.pipe(
		v.optional(v.string(), String(fallback)),
		v.transform((s) => (s.trim() === "" ? fallback : Number(s))),
		v.number(),
		v.integer("must be an integer"),
		v.minValue(0, "must not be negative"),
	);

/** A setting that is missing or malformed: 500 `config_invalid` naming it (never its value). */
export class ConfigError extends AppError {
	readonly variable: string;
	readonly why: string;

	constructor(variable: string, why: string) {
		super(500, "config_invalid", `Server misconfigured: ${variable} ${why}.`);
		this.name = "ConfigError";
		this.variable = variable;
		this.why = why;
	}
}

function parse<const T extends v.GenericSchema>(
	name: string,
	schema: T,
	value: unknown,
): v.InferOutput<T> {
	const result = v.safeParse(schema, value);
	if (!result.success) {
		const why = value === undefined || value === "" ? "is not set" : result.issues[0].message;
		throw new ConfigError(name, why);
	}
	return result.output;
}

export function stripeConfig(env: Settings): StripeConfig {
	const key = parse("STRIPE_SECRET_KEY", secretKey, env.STRIPE_SECRET_KEY);
	const testMode = isTestKey(key);
	const rawBase = env.STRIPE_API_BASE?.trim();
	const apiBase = rawBase ? parse("STRIPE_API_BASE", httpOrigin, rawBase) : null;
	if (apiBase && !testMode)
		throw new ConfigError(
			"STRIPE_API_BASE",
			"may only be set with a test key (sk_test_… or rk_test_…)",
		);
	return { secretKey: key, apiBase, testMode };
}

export function webhookSecretList(env: Settings): string[] {
	return parse("STRIPE_WEBHOOK_SECRET", webhookSecrets, env.STRIPE_WEBHOOK_SECRET);
}

export type AppConfig = {
	maxOrderAmount: number;
	reconcileGraceSeconds: number;
	rateLimitOn: boolean;
	appUrl: URL | null;
};

export function appConfig(env: Settings): AppConfig {
	return {
		maxOrderAmount: maxOrderAmount(env),
		reconcileGraceSeconds: reconcileGraceSeconds(env),
		rateLimitOn: env.CHECKOUT_RATE_LIMIT?.trim().toLowerCase() !== "off",
		appUrl: appUrlOf(env),
	};
}

const maxOrderAmount = (env: Settings) =>
	parse("MAX_ORDER_AMOUNT", positiveInt(1_000_000), env.MAX_ORDER_AMOUNT);
const reconcileGraceSeconds = (env: Settings) =>
	parse("RECONCILE_GRACE_SECONDS", positiveInt(900), env.RECONCILE_GRACE_SECONDS);
function appUrlOf(env: Settings): URL | null {
	const appUrl = env.APP_URL?.trim();
	return appUrl ? parse("APP_URL", httpOrigin, appUrl) : null;
}

/** How Checkout Sessions are made: shipping, promotion codes, tax. */
export type CheckoutConfig = {
	/** ISO 3166-1 alpha-2, upper case; empty: no shipping address is collected. */
	shippingCountries: string[];
	promotionCodes: boolean;
	automaticTax: boolean;
};

const countryList = v.pipe(
	v.optional(v.string(), ""),
	v.transform((raw) => [
		...new Set(
			raw
				.split(",")
				.map((s) => s.trim().toUpperCase())
				.filter(Boolean),
		),
	]),
	v.check(
		(list) => list.every((code) => /^[A-Z]{2}$/.test(code)),
		"must be two-letter country codes, comma-separated (US,CA,FR)",
	),
);
const onOff = (fallback: "on" | "off") =>
	v.pipe(
		v.optional(v.string(), fallback),
		v.transform((s) => s.trim().toLowerCase() || fallback),
		v.picklist(["on", "off"], "must be on or off"),
		v.transform((s) => s === "on"),
	);

export function checkoutConfig(env: Settings): CheckoutConfig {
	return {
		shippingCountries: shippingCountries(env),
		promotionCodes: promotionCodes(env),
		automaticTax: automaticTax(env),
	};
}

const shippingCountries = (env: Settings) =>
	parse("SHIPPING_COUNTRIES", countryList, env.SHIPPING_COUNTRIES);
const promotionCodes = (env: Settings) =>
	parse("ALLOW_PROMOTION_CODES", onOff("on"), env.ALLOW_PROMOTION_CODES);
const automaticTax = (env: Settings) => parse("AUTOMATIC_TAX", onOff("off"), env.AUTOMATIC_TAX);

const locale = v.pipe(
	v.optional(v.string(), "en"),
	v.transform((s) => s.trim().toLowerCase() || "en"),
	v.check((s: string) => isLocale(s), `must be one of ${LOCALES.join(", ")}`),
);

/** `DEFAULT_LOCALE`: the language when the shopper's cannot be told. */
export function defaultLocale(env: Settings): Locale {
	return parse("DEFAULT_LOCALE", locale, env.DEFAULT_LOCALE) as Locale;
}

export type EmailConfig =
	| { provider: "log"; from: string | null }
	| { provider: "resend"; from: string; apiKey: string; apiBase: URL }
	| { provider: "cloudflare"; from: string };

const providerName = v.pipe(
	v.optional(v.string(), "log"),
	v.transform((s) => s.trim().toLowerCase() || "log"),
	v.picklist(["log", "resend", "cloudflare"], "must be log, resend or cloudflare"),
);
const sender = v.pipe(
	v.string(),
	v.trim(),
	v.check(
		(s) => /^(?:[^<>]*<)?[^\s@<>]+@[^\s@<>]+>?$/.test(s),
		'must be an address or "Name <address>"',
	),
);

/** How the shoppers' e-mails are sent (EMAIL_PROVIDER and what it needs). */
export function emailConfig(env: Settings): EmailConfig {
	const provider = parse("EMAIL_PROVIDER", providerName, env.EMAIL_PROVIDER);
	if (provider === "log") {
		const from = env.EMAIL_FROM?.trim();
		return { provider, from: from ? parse("EMAIL_FROM", sender, from) : null };
	}
	const from = parse("EMAIL_FROM", sender, env.EMAIL_FROM);
	if (provider === "cloudflare") return { provider, from };
	const apiKey = parse(
		"RESEND_API_KEY",
		v.pipe(v.string(), v.trim(), v.minLength(1)),
		env.RESEND_API_KEY,
	);
	const base = env.EMAIL_API_BASE?.trim();
	return {
		provider,
		from,
		apiKey,
		apiBase: base ? parse("EMAIL_API_BASE", httpOrigin, base) : new URL("https://api.resend.com"),
	};
}

/** One setting the shop cannot sell without (or sells wrongly with): its name and why, never its value. */
export type SettingProblem = { variable: string; why: string };

/**
 * Every setting that would stop the shop from selling, or make it sell
 * wrongly: the required secrets, APP_URL (unless the shop is being run on
 * this machine: `local`), and each optional setting that is set but
 * malformed. `/healthz` answers with their names; `npm run deploy` refuses to
 * deploy with any. Secrets known to be set but whose values cannot be read
 * (a deployed Worker's) are named in `setSecrets` and count as present.
 */
export function settingProblems(
	env: Settings,
	options: { local: boolean; setSecrets?: readonly string[] },
): SettingProblem[] {
	const problems: SettingProblem[] = [];
	const known = (name: keyof Settings) =>
		env[name] === undefined && options.setSecrets?.includes(name);
	const check = (run: () => unknown) => {
		try {
			run();
		} catch (err) {
			if (!(err instanceof ConfigError)) throw err;
			if (!problems.some((p) => p.variable === err.variable))
				problems.push({ variable: err.variable, why: err.why });
		}
	};
	const bindings = env;
	if (!known("STRIPE_SECRET_KEY")) check(() => stripeConfig(bindings));
	if (!known("STRIPE_WEBHOOK_SECRET")) check(() => webhookSecretList(bindings));
	check(() => {
		if (!appUrlOf(bindings) && !options.local)
			throw new ConfigError(
				"APP_URL",
				"is not set (the shop's public origin, e.g. https://shop.example.com)",
			);
	});
	for (const read of [
		maxOrderAmount,
		reconcileGraceSeconds,
		shippingCountries,
		promotionCodes,
		automaticTax,
		defaultLocale,
	])
		check(() => read(bindings));
	check(() => {
		// A deployed key whose value cannot be read counts as set.
		const email = emailConfig(
			known("RESEND_API_KEY") ? { ...bindings, RESEND_API_KEY: "set" } : bindings,
		);
		if (email.provider === "cloudflare" && !env.EMAIL)
			throw new ConfigError("EMAIL", "is not bound (a [[send_email]] binding named EMAIL)");
	});
	return problems;
}
