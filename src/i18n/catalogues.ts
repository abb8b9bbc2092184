import type en from "../../public/i18n/en.json";
import type { InfoPage } from "../domain/vocabulary.ts";

/**
 * Every text a shopper reads lives in `public/i18n/<locale>.json`, one flat
 * catalogue per language: the worker's pages (filled in before they are sent),
 * their scripts (given the catalogue as a JSON block), the error page of a
 * refused form post, the e-mails. `{name}` is a placeholder; keys ending in
 * `.one` / `.other` are plural forms (Intl.PluralRules). They are static
 * assets, read once per isolate (`loadCatalogues`), not part of the worker's
 * bundle. Adding a language: its JSON file with every key of en.json (a test
 * holds the keys and placeholders equal) and its code in LOCALES.
 */
export type Messages = Record<MessageKey, string>;
export type MessageKey = keyof typeof en;

/** The shop's languages. */
export const LOCALES = ["en", "fr"] as const;
export type Locale = (typeof LOCALES)[number];

/** Whatever answers a request for a static asset: the `ASSETS` binding, or a test's reader. */
export type AssetReader = { fetch(input: string): Promise<Response> };

let catalogues: Record<Locale, Messages> | undefined;
let loading: Promise<void> | undefined;

/**
 * Reads the catalogues from the static assets once per isolate; later calls
 * answer at once. A failed read is not kept: the next call tries again.
 */
export function loadCatalogues(assets: AssetReader): Promise<void> {
	if (catalogues) return Promise.resolve();
	loading ??= Promise.all(
		LOCALES.map(async (locale) => {
			const res = await assets.fetch(`https://assets.invalid/i18n/${locale}.json`);
			if (!res.ok) throw new Error(`the ${locale} catalogue answered ${res.status}`);
			return [locale, (await res.json()) as Messages] as const;
		}),
	).then(
		(read) => {
			catalogues = Object.fromEntries(read) as Record<Locale, Messages>;
		},
		(error: unknown) => {
			loading = undefined;
			throw error;
		},
	);
	return loading;
}

/** The language's catalogue; the worker's entry points load them before anything is written. */
export function catalogue(locale: Locale): Messages {
	if (!catalogues) throw new Error("the catalogues are not loaded (loadCatalogues)");
	return catalogues[locale];
}

/** Whether a text names a message of the catalogues (every catalogue has en.json's keys). */
export function isMessageKey(key: string | null | undefined): key is MessageKey {
	return typeof key === "string" && Object.hasOwn(catalogue("en"), key);
}

export function isLocale(value: unknown): value is Locale {
	return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

/** A message with its `{name}` placeholders filled in. */
export function translate(
	locale: Locale,
	key: MessageKey,
	params: Record<string, string | number> = {},
): string {
	const text: string = catalogue(locale)[key];
	return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
		name in params ? String(params[name]) : whole,
	);
}
/** A plural message (`<key>.one` / `<key>.other`) for a count, by the language's rules. */
export function translatePlural(
	locale: Locale,
	key: string,
	count: number,
	params: Record<string, string | number> = {},
): string {
	const form = new Intl.PluralRules(locale).select(count) === "one" ? "one" : "other";
	return translate(locale, `${key}.${form}` as MessageKey, { count, ...params });
}

/** Our words for why a payment failed, by Stripe's `decline_code` or `code` (Stripe's are for merchants). */
export function declineText(code: string | null, locale: Locale): string {
	const key = `decline.${code}`;
	return translate(locale, isMessageKey(key) ? key : "decline.generic");
}

const regionNames = new Map<Locale, Intl.DisplayNames>();
/** A country's name in the language (`FR` → "France"), or its code when Intl does not know it. */
export function countryName(code: string | null, locale: Locale): string | null {
	if (!code) return null;
	try {
		let names = regionNames.get(locale);
		if (!names) {
			names = new Intl.DisplayNames([locale], { type: "region" });
			regionNames.set(locale, names);
		}
		return names.of(code) ?? code;
	} catch {
		return code;
	}
}

/** An information page's title (SPEC 17): the footer's link, the page's heading, the e-mails' link. */
export const infoPageTitle = (slug: InfoPage): MessageKey => `pages.${slug}`;
