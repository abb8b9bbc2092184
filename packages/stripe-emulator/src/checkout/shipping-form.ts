import { html, raw } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import type { SessionRecord } from "../state/store.ts";
import { countryName, deliveryEstimateText, type Labels, pageMoney } from "./page-labels.ts";
import { type ShippingInput, STATE_REQUIRED } from "./shipping-details.ts";

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

/** How a field shows the last error: `aria-invalid` and a pointer to the alert. */
export type Invalid = (field: string) => HtmlEscapedString;

/** The phone field and the shipping address fieldset, as the session asks for them. */
export function renderContactFields(
	session: SessionRecord,
	values: Partial<ShippingInput>,
	labels: Labels,
	lang: "en" | "fr",
	invalid: Invalid,
): Html {
	const phone = session.phoneNumberCollection
		? html`<label for="phone">${labels.phone} <span class="required">${labels.required}</span></label>
<input type="tel" id="phone" name="phone" autocomplete="tel" required value="${values.phone ?? session.customerPhone ?? ""}"${invalid("phone")}>`
		: "";
	const countries = session.shippingCountries;
	if (!countries) return html`${phone}`;
	const saved = session.shippingDetails;
	const value = (key: keyof ShippingInput, fallback: string | null | undefined) =>
		values[key] ?? fallback ?? "";
	const country = value("country", saved?.address.country ?? countries[0]);
	const text = (
		id: string,
		name: keyof ShippingInput,
		label: string,
		autocomplete: string,
		fallback: string | null | undefined,
		required: boolean,
	) =>
		html`<label for="${id}">${label}</label>
<input type="text" id="${id}" name="${shippingFieldName(name)}" autocomplete="${autocomplete}"${raw(required ? " required" : "")} value="${value(name, fallback)}"${invalid(id)}>
`;
	// Marked required for a country that needs one (as Stripe's page does), not enforced by the
	// browser: the page has no script, and the shopper may yet pick another country.
	const stateField = (selected: string) => {
		const required = STATE_REQUIRED.has(selected);
		return html`<label for="shipping-state">${labels.state}${required ? html` <span class="required">${labels.required}</span>` : ""}</label>
<input type="text" id="shipping-state" name="shippingState" autocomplete="shipping address-level1"${raw(required ? ' aria-required="true"' : "")} value="${value("state", saved?.address.state)}"${invalid("shipping-state")}>
`;
	};
	return html`${phone}
<fieldset id="shipping-address">
<legend>${labels.shippingAddress}</legend>
${text("shipping-name", "name", labels.fullName, "shipping name", saved?.name, true)}
${text("shipping-line1", "line1", labels.line1, "shipping address-line1", saved?.address.line1, true)}
${text("shipping-line2", "line2", labels.line2, "shipping address-line2", saved?.address.line2, false)}
${text("shipping-city", "city", labels.city, "shipping address-level2", saved?.address.city, true)}
${text("shipping-postal-code", "postalCode", labels.postalCode, "shipping postal-code", saved?.address.postal_code, true)}
${stateField(country)}
<label for="shipping-country">${labels.country}</label>
<select id="shipping-country" name="shippingCountry" autocomplete="shipping country" required${invalid("shipping-country")}>
${countries.map((code) => html`<option value="${code}"${raw(code === country ? " selected" : "")}>${countryName(code, lang)}</option>`)}
</select>
</fieldset>`;
}

/** The form field name of a shipping input (`shippingName`, `shippingLine1`, …; `phone`). */
export function shippingFieldName(key: keyof ShippingInput): string {
	if (key === "phone") return "phone";
	return `shipping${key[0]?.toUpperCase()}${key.slice(1)}`;
}

/** Radio buttons for the session's shipping options, with price and delivery estimate. */
export function renderShippingOptions(
	session: SessionRecord,
	selected: string | null,
	labels: Labels,
	lang: "en" | "fr",
): Html | string {
	if (session.shippingRates.length === 0) return "";
	return html`<fieldset id="shipping-options">
<legend>${labels.shippingMethod}</legend>
${session.shippingRates.map((rate, index) => {
	const price = rate.amount === 0 ? labels.free : pageMoney(rate.amount, rate.currency, lang);
	const estimate = deliveryEstimateText(rate, lang);
	return html`<label class="choice" for="shipping-option-${index}"><input type="radio" id="shipping-option-${index}" name="shippingRate" value="${rate.id}"${raw(rate.id === selected ? " checked" : "")}> <span>${rate.displayName} · <span class="shipping-price">${price}</span>${estimate ? html` · <span class="delivery-estimate">${estimate}</span>` : ""}</span></label>
`;
})}
</fieldset>`;
}

/** The promotion code field: apply a code, or see the applied one and remove it. */
export function renderPromotionCodeField(
	appliedCode: string | null,
	typed: string | undefined,
	error: string | null,
	labels: Labels,
): Html {
	const alert = error
		? html`<p class="field-error" id="promotion-code-error" role="alert">${error}</p>`
		: "";
	const applied = appliedCode
		? html`<p class="inline" id="applied-promotion-code"><span><strong>${appliedCode}</strong> ${labels.applied}</span> <button type="submit" class="secondary" id="remove-promotion-code" formnovalidate name="intent" value="remove_promotion_code">${labels.remove}</button></p>`
		: "";
	const describedBy = error ? ' aria-invalid="true" aria-describedby="promotion-code-error"' : "";
	return html`<label for="promotion-code">${labels.promotionCode}</label>
<div class="inline">
<input type="text" id="promotion-code" name="promotionCode" autocomplete="off" value="${typed ?? appliedCode ?? ""}"${raw(describedBy)}>
<button type="submit" id="apply-promotion-code" formnovalidate name="intent" value="apply_promotion_code">${labels.apply}</button>
</div>
${alert}${applied}`;
}
