import { en, type MessageKey, type Messages } from "./en.ts";
import { fr } from "./fr.ts";

export type { MessageKey, Messages };

/**
 * The shop's languages. Adding one: a catalogue file like fr.ts (every key of
 * en.ts, `satisfies Messages` makes the compiler list what is missing) and its
 * line here.
 */
export const CATALOGUES = { en, fr } as const satisfies Record<string, Messages>;

export type Locale = keyof typeof CATALOGUES;
export const LOCALES = Object.keys(CATALOGUES) as [Locale, ...Locale[]];

/** Whether a text names a message of the catalogues (every catalogue has en.ts's keys). */
export function isMessageKey(key: string | null | undefined): key is MessageKey {
	return typeof key === "string" && Object.hasOwn(CATALOGUES.en, key);
}

export function isLocale(value: unknown): value is Locale {
	return typeof value === "string" && Object.hasOwn(CATALOGUES, value);
}

/** A message with its `{name}` placeholders filled in. */
export function translate(
	locale: Locale,
	key: MessageKey,
	params: Record<string, string | number> = {},
): string {
	const text: string = CATALOGUES[locale][key];
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
