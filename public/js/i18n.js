/**
 * The page's language and its messages, as the worker sent them: `<html lang>`
 * and the catalogue in `<script type="application/json" id="messages">`
 * (public/i18n/*.json). Every text a script shows comes from here.
 */
import { ApiError } from "./api.js";

const block = document.getElementById("messages");
const messages = block ? JSON.parse(block.textContent ?? "{}") : {};

/** `en` or `fr`: what Intl formats numbers, dates and plurals in. */
export const locale = document.documentElement.lang || "en";

/** A message with its `{name}` placeholders filled in; the key itself if the catalogue lacks it. */
export function t(key, params = {}) {
	const text = messages[key] ?? key;
	return text.replace(/\{(\w+)\}/g, (whole, name) =>
		name in params ? String(params[name]) : whole,
	);
}

/** A plural message (`<key>.one` / `<key>.other`) for `count`. */
export function tn(key, count, params = {}) {
	const form = new Intl.PluralRules(locale).select(count) === "one" ? "one" : "other";
	return t(`${key}.${form}`, { count, ...params });
}

/** What to tell the shopper about a failed API call: our own words for its code, never the API's. */
export function errorText(err) {
	if (err instanceof ApiError && messages[`error.${err.code}`]) {
		return t(`error.${err.code}`);
	}
	return t("error.generic");
}

/** Our own words for why a payment failed (Stripe's texts are written for merchants). */
export function declineText(code) {
	return messages[`decline.${code}`] ? t(`decline.${code}`) : t("decline.generic");
}
