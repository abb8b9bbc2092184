/**
 * What the Catalog tab's new-product form and its edit form share: the fields
 * both hold (name, price, description, tax code, "Ships"), the price's rules
 * and examples in a currency's own decimals, and how an API refusal is shown
 * beside the field it names (`error.field`).
 */
import { byId, h } from "./dom.js";
import { refuse, tell } from "./form-feedback.js";
import { currencyLabel, formatMoney, toMajorString } from "./money.js";
import { checkBox, formActions, formField, submit, textInput, VERBATIM } from "./ui.js";

const MAX_UNIT_AMOUNT = 99_999_999;

/** The API's path for a product, and what follows it (`/stock`). */
export const productPath = (product, tail = "") =>
	`/admin/products/${encodeURIComponent(product.id)}${tail}`;

// ---- markup -------------------------------------------------------------------

/** The line form-feedback.js writes a refusal of `id` into. */
function errorLine(id) {
	return h("p", { id: `${id}-error`, class: "field-error small" });
}

/** A check box and its error line (they go in a `.field-checks` group). */
export function checkField(options) {
	return [checkBox(options), errorLine(options.id)];
}

/**
 * The fields both forms hold, by the API's names, each with its label, hint
 * and error line; each form lays them out in its own order. Ids are
 * `<prefix>-name`, `<prefix>-price` (its currency in `<prefix>-price-currency`),
 * `<prefix>-description`, `<prefix>-tax-code`, `<prefix>-fr-name`, `<prefix>-fr-description`
 * and `<prefix>-shippable`.
 */
export function productFields(
	prefix,
	{ nameWide = false, currency, priceHint, descriptionRows, descriptionHint, taxCodeHint, ships },
) {
	return {
		name: formField(
			{ id: `${prefix}-name`, label: "Name", wide: nameWide },
			textInput("name", { maxlength: 200, required: true }),
		),
		price: formField(
			{
				id: `${prefix}-price`,
				label: ["Price ", h("span", { id: `${prefix}-price-currency` }, currency)],
				hint: priceHint,
			},
			textInput("price", { inputmode: "decimal", required: true }),
		),
		description: formField(
			{ id: `${prefix}-description`, label: "Description", hint: descriptionHint, wide: true },
			h("textarea", { name: "description", rows: descriptionRows, maxlength: 2000 }),
		),
		taxCode: formField(
			{ id: `${prefix}-tax-code`, label: "Tax code", hint: taxCodeHint },
			textInput("taxCode", { ...VERBATIM, maxlength: 14, placeholder: "txcd_99999999" }),
		),
		// Optional: the French pages, Stripe's page and e-mails show the name above without it.
		frName: formField(
			{
				id: `${prefix}-fr-name`,
				label: "Name in French",
				hint: "Optional: French pages use the name above without it.",
			},
			textInput("frName", { maxlength: 200, lang: "fr" }),
		),
		frDescription: formField(
			{ id: `${prefix}-fr-description`, label: "Description in French", wide: true },
			h("textarea", { name: "frDescription", rows: descriptionRows, maxlength: 2000, lang: "fr" }),
		),
		shippable: checkField({
			id: `${prefix}-shippable`,
			name: "shippable",
			label: "Ships (physical goods)",
			checked: ships,
		}),
	};
}

/** The inputs `productFields(prefix)` made, by the API's field names (what `error.field` names). */
export function productInputs(prefix) {
	return {
		name: byId(`${prefix}-name`),
		unitAmount: byId(`${prefix}-price`),
		description: byId(`${prefix}-description`),
		taxCode: byId(`${prefix}-tax-code`),
		shippable: byId(`${prefix}-shippable`),
		// The API names `translations` when a French text is refused.
		translations: byId(`${prefix}-fr-name`),
		frDescription: byId(`${prefix}-fr-description`),
	};
}

/** A product form, `<base>-form`: its fields, then its button with its answer (`<base>-status`). */
export function productForm(base, action, ...fields) {
	return h(
		"form",
		{ id: `${base}-form`, class: "catalog-form", novalidate: true },
		h("div", { class: "catalog-fields" }, ...fields),
		formActions(submit(action), `${base}-status`),
	);
}

// ---- translations ---------------------------------------------------------------

/** The French name and description typed, as the API takes them (`{fr: {…}}`; null: none). */
export function typedTranslations(frName, frDescription) {
	const name = frName.value.trim();
	const description = frDescription.value.trim();
	if (!name && !description) return null;
	return { fr: { ...(name && { name }), ...(description && { description }) } };
}

/** Whether two translations say the same (the API's `{}` and null both mean none). */
export function sameTranslations(a, b) {
	const fr = (t) => ({ name: t?.fr?.name ?? "", description: t?.fr?.description ?? "" });
	return JSON.stringify(fr(a)) === JSON.stringify(fr(b));
}

// ---- prices -------------------------------------------------------------------

export function priceExample(money) {
	return toMajorString(money.minorUnits === 0 ? 1500 : 1250 * 10 ** (money.minorUnits - 2), money);
}

export function priceProblem(money) {
	const digits =
		money.minorUnits === 0
			? "a whole number"
			: `at most ${money.minorUnits} decimal${money.minorUnits === 1 ? "" : "s"}`;
	return `Enter a positive price in ${currencyLabel(money.currency)} (${digits}), like ${priceExample(money)}.`;
}

// ---- refusals -----------------------------------------------------------------

/**
 * `refuseFromApi(err, formStatus, prefix, inputs, money)`: shows an API
 * refusal beside its field, or next to the button when it names none of
 * `inputs` (the form's inputs by the API's field names).
 */
export function apiRefusals(messageOf) {
	/** The field an API refusal is about: `error.field`, else the "field: …" its message starts with. */
	function fieldOf(err) {
		const field = err?.details?.field;
		if (typeof field === "string") return field;
		if (err?.code === "product_exists") return "id";
		if (err?.code === "insufficient_stock") return "add";
		// A picture refused for its type or size: the file field.
		if (err?.code === "unsupported_media_type" || err?.code === "payload_too_large") return "image";
		return /^([a-zA-Z]+):/.exec(messageOf(err))?.[1];
	}

	/** The API's message for a field, in the operator's terms (prices in major units). */
	function apiMessage(err, field, money) {
		const text = messageOf(err).replace(/^[a-zA-Z]+:\s*/, "");
		if (field === "unitAmount" && money)
			return `Enter a price from ${formatMoney(1, money)} to ${formatMoney(MAX_UNIT_AMOUNT, money)}. (${text})`;
		return text;
	}

	return function refuseFromApi(err, formStatus, prefix, inputs, money) {
		const field = fieldOf(err);
		const input = field ? inputs[field] : undefined;
		if (input) {
			refuse(formStatus, prefix, [[input, apiMessage(err, field, money)]]);
			return;
		}
		tell(formStatus, `${prefix}: ${messageOf(err)}`, { error: true });
	};
}
