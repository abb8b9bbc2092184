import * as v from "valibot";

/**
 * The shop's identity as the owner writes it (SPEC 17, `PUT /admin/shop`),
 * field by field; a refusal names its field, which the console shows beside it.
 * A PUT is the whole identity: a field left out is cleared (the name excepted,
 * which is required).
 */

/** One plain address (no display name): the e-mails' reply-to. */
const EMAIL = /^[^\s@<>,;"]+@[^\s@<>,;"]+\.[^\s@<>,;"]+$/;
export const ACCENT_COLOR = /^#[0-9a-f]{6}$/i;

/**
 * Whether white text on the colour (the pages' buttons), and the colour on
 * white (their links), can be read: WCAG's 4.5:1 contrast for normal text.
 */
export function readableOnWhite(hex: string): boolean {
	const channel = (i: number) => {
		const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
		return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
	};
	const luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
	return 1.05 / (luminance + 0.05) >= 4.5;
}

/** Text that may be left empty (null), trimmed, at most `max` characters. */
const optionalText = (field: string, max: number) =>
	v.optional(
		v.nullable(
			v.pipe(
				v.string(`${field} must be text`),
				v.trim(),
				v.maxLength(max, `${field} must be at most ${max} characters`),
				v.transform((s) => s || null),
			),
		),
		null,
	);

export const shopIdentitySchema = v.strictObject(
	{
		name: v.pipe(
			v.string("name must be text"),
			v.trim(),
			v.minLength(1, "name is required"),
			v.maxLength(100, "name must be at most 100 characters"),
		),
		contactEmail: v.pipe(
			optionalText("contactEmail", 254),
			v.check((s) => s === null || EMAIL.test(s), "contactEmail must be one e-mail address"),
		),
		legalName: optionalText("legalName", 200),
		legalAddress: optionalText("legalAddress", 500),
		accentColor: v.pipe(
			optionalText("accentColor", 7),
			v.check(
				(s) => s === null || ACCENT_COLOR.test(s),
				"accentColor must be a colour like #1f6f4a",
			),
			v.check(
				(s) => s === null || readableOnWhite(s),
				"accentColor is too light: white text on it must be readable (a contrast of 4.5:1)",
			),
			v.transform((s) => s?.toLowerCase() ?? null),
		),
		pricesIncludeTax: v.optional(v.boolean("pricesIncludeTax must be true or false"), false),
	},
	"unknown field",
);
export type ShopIdentityInput = v.InferOutput<typeof shopIdentitySchema>;

/** The longest text of an information page, per language. */
export const MAX_PAGE_TEXT = 20_000;

/**
 * What the starting texts (`public/drafts/`) leave for the owner: their first
 * line and their gaps. A page still holding one is a draft, never published.
 */
export const DRAFT_MARKS = [
	"DRAFT to review",
	"BROUILLON à relire",
	"(to complete",
	"(à compléter",
	"(your contact e-mail)",
	"(votre adresse de contact)",
] as const;

const pageText = (lang: string) =>
	v.optional(
		v.pipe(
			v.string(`${lang} must be text`),
			v.trim(),
			v.maxLength(MAX_PAGE_TEXT, `${lang} must be at most ${MAX_PAGE_TEXT} characters`),
			v.rawCheck(({ dataset, addIssue }) => {
				if (!dataset.typed) return;
				const mark = DRAFT_MARKS.find((m) => dataset.value.includes(m));
				if (mark)
					addIssue({
						message: `${lang} is still a draft: it holds “${mark}…”, which you must write or remove before the page is published`,
					});
			}),
		),
		"",
	);

/** `PUT /admin/pages/<slug>`: the page's text in each language; empty (or left out): none in it. */
export const infoPageSchema = v.strictObject(
	{ en: pageText("en"), fr: pageText("fr") },
	"unknown field",
);
