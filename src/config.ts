import * as v from "valibot";
import { CHECKOUT_UIS, type CheckoutUi } from "./domain/vocabulary.ts";
import { isLocale, LOCALES, type Locale } from "./i18n/catalogues.ts";
import { AppError } from "./lib/errors.ts";
import { isTestKey, SECRET_KEY_PATTERN, type StripeConfig } from "./lib/stripe.ts";

/**
 * The shop's settings, validated at the edge of the app: `configOf(env)`
 * parses each group the first time it is asked for and keeps the answer (or
 * the error) for as long as the isolate lives with these bindings, so no
 * request parses a setting twice, and a malformed optional setting fails only
 * what needs it. Errors name the variable, never its value.
 */

/**
 * The settings read here (SPEC 2), as text, unset when absent: what a Worker's
 * bindings carry, and what `npm run deploy` reads from wrangler.toml and the
 * secrets. Nothing else of the Worker, so scripts check settings with the same
 * rules.
 */
export type Settings = {
	STRIPE_SECRET_KEY?: string;
	STRIPE_PUBLISHABLE_KEY?: string;
	ADMIN_TOKEN?: string;
	ALERT_WEBHOOK_URL?: string;
	STRIPE_WEBHOOK_SECRET?: string;
	STRIPE_API_BASE?: string;
	APP_URL?: string;
	MAX_ORDER_AMOUNT?: string;
	RECONCILE_GRACE_SECONDS?: string;
	CHECKOUT_RATE_LIMIT?: string;
	SHIPPING_COUNTRIES?: string;
	ALLOW_PROMOTION_CODES?: string;
	AUTOMATIC_TAX?: string;
	REQUIRE_TERMS?: string;
	CHECKOUT_UI?: string;
	DEFAULT_LOCALE?: string;
	EMAIL_PROVIDER?: string;
	EMAIL_FROM?: string;
	RESEND_API_KEY?: string;
	EMAIL_API_BASE?: string;
	SHOP_NAME?: string;
	CONTACT_EMAIL?: string;
	SESSION_SECRET?: string;
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
		super("config_invalid", `Server misconfigured: ${variable} ${why}.`);
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
	/** Checkout asks the shopper to accept the terms of sale (when the shop has them, SPEC 17). */
	requireTerms: boolean;
	/** Where the storefront's shopper pays (SPEC 16): Stripe's hosted page, or ours with the Payment Element. */
	ui: CheckoutUi;
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

const shippingCountries = (env: Settings) =>
	parse("SHIPPING_COUNTRIES", countryList, env.SHIPPING_COUNTRIES);
const promotionCodes = (env: Settings) =>
	parse("ALLOW_PROMOTION_CODES", onOff("on"), env.ALLOW_PROMOTION_CODES);
const automaticTax = (env: Settings) => parse("AUTOMATIC_TAX", onOff("off"), env.AUTOMATIC_TAX);
const requireTerms = (env: Settings) => parse("REQUIRE_TERMS", onOff("off"), env.REQUIRE_TERMS);
const checkoutUi = (env: Settings): CheckoutUi => {
	const ui = parse(
		"CHECKOUT_UI",
		v.pipe(
			v.optional(v.string(), "hosted"),
			v.transform((s) => s.trim().toLowerCase() || "hosted"),
			v.picklist(CHECKOUT_UIS, "must be hosted or elements"),
		),
		env.CHECKOUT_UI,
	);
	// Stripe.js on our page needs the publishable key of the same mode as the secret one.
	if (ui === "elements") {
		const publishable = env.STRIPE_PUBLISHABLE_KEY?.trim() ?? "";
		if (!PUBLISHABLE_KEY.test(publishable))
			throw new ConfigError(
				"STRIPE_PUBLISHABLE_KEY",
				"is needed with CHECKOUT_UI=elements (pk_test_… or pk_live_…: Stripe.js on /pay.html)",
			);
		const secretTest = isTestKey(env.STRIPE_SECRET_KEY?.trim() ?? "");
		if (publishable.startsWith("pk_test_") !== secretTest)
			throw new ConfigError(
				"STRIPE_PUBLISHABLE_KEY",
				"is not of the same mode as STRIPE_SECRET_KEY (test with test, live with live)",
			);
	}
	return ui;
};

const PUBLISHABLE_KEY = /^pk_(test|live)_/;

/** Stripe.js of the pinned API version (@stripe/stripe-js 10's release train), never bundled. */
export const STRIPE_JS_URL = "https://js.stripe.com/endive/stripe.js";

const locale = v.pipe(
	v.optional(v.string(), "en"),
	v.transform((s) => s.trim().toLowerCase() || "en"),
	v.check((s: string) => isLocale(s), `must be one of ${LOCALES.join(", ")}`),
);

/** `DEFAULT_LOCALE`: the language when the shopper's cannot be told. */
export function defaultLocale(env: Settings): Locale {
	return parse("DEFAULT_LOCALE", locale, env.DEFAULT_LOCALE) as Locale;
}

/** The shop's identity before the owner first saves it in the console (SPEC 17). */
export type ShopDefaults = { name: string; contactEmail: string | null };

const shopName = v.pipe(
	v.optional(v.string(), ""),
	v.transform((s) => s.trim() || "My shop"),
	v.maxLength(100, "must be at most 100 characters"),
);
const contactEmail = v.pipe(
	v.optional(v.string(), ""),
	v.transform((s) => s.trim()),
	v.check(
		(s) => s === "" || /^[^\s@<>,;]+@[^\s@<>,;]+\.[^\s@<>,;]+$/.test(s),
		"must be one e-mail address",
	),
	v.transform((s) => s || null),
);

/** `SHOP_NAME` and `CONTACT_EMAIL`: the shop's name and contact until the console's first save. */
function shopDefaultsOf(env: Settings): ShopDefaults {
	return {
		name: parse("SHOP_NAME", shopName, env.SHOP_NAME),
		contactEmail: parse("CONTACT_EMAIL", contactEmail, env.CONTACT_EMAIL),
	};
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

/** What customer accounts need (SPEC 14): the key that signs sign-in links and session cookies. */
export type AccountsConfig = { secret: string };

/** The shortest SESSION_SECRET taken: 32 characters (`openssl rand -base64 32` gives 44). */
export const MIN_SESSION_SECRET_LENGTH = 32;

/** SESSION_SECRET turns accounts on; unset, they are off (null); set but short, it is refused. */
export function accountsConfig(env: Settings): AccountsConfig | null {
	const secret = env.SESSION_SECRET?.trim();
	if (!secret) return null;
	if (secret.length < MIN_SESSION_SECRET_LENGTH)
		throw new ConfigError(
			"SESSION_SECRET",
			`must be at least ${MIN_SESSION_SECRET_LENGTH} characters (e.g. openssl rand -base64 32)`,
		);
	return { secret };
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
	const known = (name: keyof Settings) =>
		env[name] === undefined && options.setSecrets?.includes(name);
	// A deployed key whose value cannot be read counts as set.
	const config = configOf(env);
	const email = known("RESEND_API_KEY") ? configOf({ ...env, RESEND_API_KEY: "set" }) : config;
	return problemsOf(config, {
		local: options.local,
		skip: (["STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"] as const).filter(known),
		email: () => email.email,
		emailBound: env.EMAIL !== undefined,
	});
}

function problemsOf(
	config: Config,
	options: {
		local: boolean;
		skip: readonly string[];
		email: () => EmailConfig;
		emailBound: boolean;
	},
): SettingProblem[] {
	const problems: SettingProblem[] = [];
	const check = (run: () => unknown) => {
		try {
			run();
		} catch (err) {
			if (!(err instanceof ConfigError)) throw err;
			if (!problems.some((p) => p.variable === err.variable))
				problems.push({ variable: err.variable, why: err.why });
		}
	};
	if (!options.skip.includes("STRIPE_SECRET_KEY")) check(() => config.stripe);
	if (!options.skip.includes("STRIPE_WEBHOOK_SECRET")) check(() => config.webhookSecrets);
	check(() => {
		if (!config.appUrl && !options.local)
			throw new ConfigError(
				"APP_URL",
				"is not set (the shop's public origin, e.g. https://shop.example.com)",
			);
	});
	check(() => config.maxOrderAmount);
	check(() => config.reconcileGraceSeconds);
	check(() => config.shippingCountries);
	check(() => config.promotionCodes);
	check(() => config.automaticTax);
	check(() => config.checkout.requireTerms);
	check(() => config.checkout.ui);
	check(() => config.defaultLocale);
	check(() => config.shopDefaults);
	check(() => config.accounts);
	check(() => {
		if (options.email().provider === "cloudflare" && !options.emailBound)
			throw new ConfigError("EMAIL", "is not bound (a [[send_email]] binding named EMAIL)");
	});
	return problems;
}

/** A setting parsed once: its value, or the ConfigError it threw (thrown again). */
function once<T>(read: () => T): () => T {
	let done: { value: T } | { error: unknown } | undefined;
	return () => {
		done ??= (() => {
			try {
				return { value: read() };
			} catch (error) {
				if (!(error instanceof ConfigError)) throw error;
				return { error };
			}
		})();
		if ("error" in done) throw done.error;
		return done.value;
	};
}

/**
 * The settings of one set of bindings, each parsed on first use and kept (see
 * the top of this file): a group throws the ConfigError of its first bad setting.
 */
export type Config = {
	readonly stripe: StripeConfig;
	readonly webhookSecrets: string[];
	readonly app: AppConfig;
	readonly checkout: CheckoutConfig;
	readonly defaultLocale: Locale;
	readonly email: EmailConfig;
	readonly shopDefaults: ShopDefaults;
	/** Customer accounts (SPEC 14): on with SESSION_SECRET; null (their routes 404) without. */
	readonly accounts: AccountsConfig | null;
	readonly appUrl: URL | null;
	readonly maxOrderAmount: number;
	readonly reconcileGraceSeconds: number;
	readonly shippingCountries: string[];
	readonly promotionCodes: boolean;
	readonly automaticTax: boolean;
	/**
	 * The origin of STRIPE_API_BASE when it is a URL (the emulator's, whose
	 * hosted page our forms may post to), whatever the key: the pages' CSP.
	 */
	readonly stripeApiOrigin: string | null;
	/** STRIPE_PUBLISHABLE_KEY when it looks like one (the browser's only Stripe setting). */
	readonly publishableKey: string | null;
	/**
	 * Where /pay.html loads Stripe.js from: js.stripe.com, or the emulator's
	 * stand-in when a test key goes to STRIPE_API_BASE (a live key never gets another).
	 */
	readonly stripeJsUrl: string;
	/** ADMIN_TOKEN; null (no /admin at all) when unset. */
	readonly adminToken: string | null;
	/** ALERT_WEBHOOK_URL; null when alerts are only logged. */
	readonly alertWebhookUrl: string | null;
	/** `settingProblems` of these bindings (SPEC 5's `/healthz`), from the settings parsed here. */
	problems(local: boolean): SettingProblem[];
};

const configs = new WeakMap<Settings, Config>();

/**
 * The Config of these bindings. Workers hand every request of an isolate the
 * same `env`, so each setting is parsed once per isolate; secrets stay in the
 * bindings' own object and its Config, never in a module-level value of their own.
 */
export function configOf(bindings: Settings): Config {
	const cached = configs.get(bindings);
	if (cached) return cached;
	const env = settingsOf(bindings);
	const stripe = once(() => stripeConfig(env));
	const webhookSecrets = once(() => webhookSecretList(env));
	const appUrl = once(() => appUrlOf(env));
	const maxOrder = once(() => maxOrderAmount(env));
	const grace = once(() => reconcileGraceSeconds(env));
	const countries = once(() => shippingCountries(env));
	const promotions = once(() => promotionCodes(env));
	const tax = once(() => automaticTax(env));
	const terms = once(() => requireTerms(env));
	const ui = once(() => checkoutUi(env));
	const locale = once(() => defaultLocale(env));
	const email = once(() => emailConfig(env));
	const shop = once(() => shopDefaultsOf(env));
	const accounts = once(() => accountsConfig(env));
	const rateLimitOn = env.CHECKOUT_RATE_LIMIT?.trim().toLowerCase() !== "off";
	const app = once(
		(): AppConfig => ({
			maxOrderAmount: maxOrder(),
			reconcileGraceSeconds: grace(),
			rateLimitOn,
			appUrl: appUrl(),
		}),
	);
	const checkout = once(
		(): CheckoutConfig => ({
			shippingCountries: countries(),
			promotionCodes: promotions(),
			automaticTax: tax(),
			requireTerms: terms(),
			ui: ui(),
		}),
	);
	const problems = new Map<boolean, SettingProblem[]>();
	const base = env.STRIPE_API_BASE?.trim();
	const stripeJs = once(() => {
		// No usable secret key (the catalog still answers): nothing says it is a test shop.
		const key = env.STRIPE_SECRET_KEY?.trim() ?? "";
		const testPage = isTestKey(key) && config.publishableKey?.startsWith("pk_test_");
		const emulator = config.stripeApiOrigin;
		return emulator && testPage ? `${emulator}/js/stripe.js` : STRIPE_JS_URL;
	});
	const publishable = env.STRIPE_PUBLISHABLE_KEY?.trim();
	const config: Config = {
		get stripe() {
			return stripe();
		},
		get webhookSecrets() {
			return webhookSecrets();
		},
		get app() {
			return app();
		},
		get checkout() {
			return checkout();
		},
		get defaultLocale() {
			return locale();
		},
		get email() {
			return email();
		},
		get shopDefaults() {
			return shop();
		},
		get accounts() {
			return accounts();
		},
		get appUrl() {
			return appUrl();
		},
		get maxOrderAmount() {
			return maxOrder();
		},
		get reconcileGraceSeconds() {
			return grace();
		},
		get shippingCountries() {
			return countries();
		},
		get promotionCodes() {
			return promotions();
		},
		get automaticTax() {
			return tax();
		},
		stripeApiOrigin: base && URL.canParse(base) ? new URL(base).origin : null,
		publishableKey: publishable && PUBLISHABLE_KEY.test(publishable) ? publishable : null,
		get stripeJsUrl() {
			return stripeJs();
		},
		adminToken: env.ADMIN_TOKEN?.trim() || null,
		alertWebhookUrl: env.ALERT_WEBHOOK_URL?.trim() || null,
		problems(local) {
			let found = problems.get(local);
			if (!found) {
				found = problemsOf(config, {
					local,
					skip: [],
					email: () => config.email,
					emailBound: env.EMAIL !== undefined,
				});
				problems.set(local, found);
			}
			return found;
		},
	};
	configs.set(bindings, config);
	return config;
}

const SETTING_NAMES = [
	"STRIPE_SECRET_KEY",
	"STRIPE_PUBLISHABLE_KEY",
	"ADMIN_TOKEN",
	"ALERT_WEBHOOK_URL",
	"STRIPE_WEBHOOK_SECRET",
	"STRIPE_API_BASE",
	"APP_URL",
	"MAX_ORDER_AMOUNT",
	"RECONCILE_GRACE_SECONDS",
	"CHECKOUT_RATE_LIMIT",
	"SHIPPING_COUNTRIES",
	"ALLOW_PROMOTION_CODES",
	"AUTOMATIC_TAX",
	"REQUIRE_TERMS",
	"CHECKOUT_UI",
	"DEFAULT_LOCALE",
	"EMAIL_PROVIDER",
	"EMAIL_FROM",
	"RESEND_API_KEY",
	"EMAIL_API_BASE",
	"SHOP_NAME",
	"CONTACT_EMAIL",
	"SESSION_SECRET",
	"EMAIL",
] as const satisfies readonly (keyof Settings)[];

/** The settings of the bindings, each read once. */
function settingsOf(bindings: Settings): Settings {
	const settings: Record<string, unknown> = {};
	for (const name of SETTING_NAMES) settings[name] = bindings[name];
	return settings as Settings;
}
