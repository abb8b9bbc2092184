/**
 * The Shipping tab's form (admin-shipping.js): a rate's fields, each with its
 * hint and error line, by the API's field names (what `error.field` names).
 * The id and the currency are for good: the tab disables them while editing.
 */
import { h } from "./dom.js";
import { button, checkBox, formActions, formField, submit, textInput } from "./ui.js";

export function rateForm() {
	const active = checkBox({
		id: "rate-active",
		name: "active",
		label: "Offered on Stripe's page",
		checked: true,
	});
	const inputs = {
		id: textInput("id", { maxlength: 64, spellcheck: "false", placeholder: "eur-standard" }),
		displayName: textInput("displayName", { maxlength: 100 }),
		translations: textInput("frName", { maxlength: 100, lang: "fr" }),
		currency: textInput("currency", { maxlength: 3, spellcheck: "false", placeholder: "eur" }),
		amount: textInput("amount", { inputmode: "decimal" }),
		minDays: textInput("minDays", { inputmode: "numeric" }),
		maxDays: textInput("maxDays", { inputmode: "numeric" }),
		freeAbove: textInput("freeAbove", { inputmode: "decimal" }),
		countries: textInput("countries", {
			maxlength: 750,
			spellcheck: "false",
			autocapitalize: "characters",
			placeholder: "FR, BE",
		}),
		active: active.querySelector("input"),
	};
	const heading = h("h3", { id: "rate-form-heading" }, "New rate");
	const save = submit("Create rate");
	const fresh = button("New rate", { id: "rate-new", small: true });
	const form = h(
		"form",
		{
			id: "rate-form",
			class: "catalog-form",
			novalidate: true,
			"aria-labelledby": "rate-form-heading",
		},
		h(
			"div",
			{ class: "catalog-fields" },
			formField(
				{ id: "rate-id", label: "Id", hint: "Letters a-z, digits and -; for good." },
				inputs.id,
			),
			formField(
				{ id: "rate-name", label: "Name", hint: "As Stripe's page shows it in English." },
				inputs.displayName,
			),
			formField(
				{
					id: "rate-fr-name",
					label: "Name in French",
					hint: "Optional: French shoppers see the name above without it.",
				},
				inputs.translations,
			),
			formField(
				{ id: "rate-currency", label: "Currency", hint: "Three letters, like eur; for good." },
				inputs.currency,
			),
			formField(
				{
					id: "rate-amount",
					label: "Price",
					hint: "In the currency's units, like 4.90; 0 for free.",
				},
				inputs.amount,
			),
			formField(
				{ id: "rate-min-days", label: "From (business days)", hint: "Optional." },
				inputs.minDays,
			),
			formField(
				{ id: "rate-max-days", label: "To (business days)", hint: "Optional." },
				inputs.maxDays,
			),
			formField(
				{
					id: "rate-free-above",
					label: "Free from",
					hint: "Optional: from this cart subtotal on, it costs 0.",
				},
				inputs.freeAbove,
			),
			formField(
				{
					id: "rate-countries",
					label: "Countries",
					hint: "Optional: two-letter codes, like FR, BE. Empty: every country the shop ships to. The cart then asks where the goods go.",
				},
				inputs.countries,
			),
			h(
				"div",
				{ class: "field field-checks" },
				active,
				h("p", { id: "rate-active-error", class: "field-error small" }),
			),
		),
		formActions(save, "rate-status"),
	);
	return { form, inputs, heading, save, fresh };
}
