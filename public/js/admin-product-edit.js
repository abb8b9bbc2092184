/**
 * The opened product's edit form: name, price, description, tax code and
 * "Ships", filled from the product, and only what the operator changed sent,
 * through the detail's `change` (admin-product-detail.js).
 */
import {
	priceProblem,
	productFields,
	productForm,
	productInputs,
	productPath,
	sameTranslations,
	typedTranslations,
} from "./admin-product-fields.js";
import { FIELD_LABELS } from "./admin-product-view.js";
import { byId, h } from "./dom.js";
import { clearFieldErrors, refuse, tell } from "./form-feedback.js";
import { currencyLabel, toMajorString, toMinorUnits } from "./money.js";
import { formField, textInput } from "./ui.js";

export function editProductForm() {
	const fields = productFields("edit", {
		nameWide: true,
		priceHint: "Orders already placed keep their price.",
		descriptionRows: 3,
		taxCodeHint: "Empty: none.",
		ships: false,
	});
	return productForm(
		"edit-product",
		"Save changes",
		fields.name,
		fields.price,
		fields.description,
		fields.frName,
		fields.frDescription,
		fields.taxCode,
		formField(
			{
				id: "edit-low-stock",
				label: "Low-stock alert at",
				hint: "One alert (and the dashboard) when the stock comes down to this many. Empty: never.",
			},
			textInput("lowStockThreshold", { inputmode: "numeric" }),
		),
		h("div", { class: "field field-checks" }, fields.shippable),
	);
}

/**
 * Makes the edit form work, once its markup is in the page.
 *
 * @param {{
 *   admin: (path: string, options?: object) => Promise<any>,
 *   change: (form: HTMLElement, formStatus: HTMLElement, inputs: object, prefix: string,
 *     send: (product: any) => Promise<any>, success: (updated: any, before: any) => string) => void,
 *   current: () => any,
 * }} deps the console's request, how the opened product is changed, and which one it is
 * @returns `show(product)` (the product opened, as read) and `forget()` (it closed)
 */
export function productEdit({ admin, change, current }) {
	const editForm = byId("edit-product-form");
	/** The inputs by the API's field names (what `error.field` names). */
	const editInputs = { ...productInputs("edit"), lowStockThreshold: byId("edit-low-stock") };
	/** Whose values the edit form holds: what was typed stays until another product opens. */
	let editFormFor = null;

	function show(product) {
		byId("edit-price-currency").textContent = `(${currencyLabel(product.currency)})`;
		if (editFormFor !== product.id) fillEditForm(product);
	}

	function forget() {
		editFormFor = null;
	}

	function fillEditForm(product) {
		editFormFor = product.id;
		clearFieldErrors(editInputs);
		editInputs.name.value = product.name;
		editInputs.unitAmount.value = toMajorString(product.unitAmount, product);
		editInputs.description.value = product.description ?? "";
		editInputs.taxCode.value = product.taxCode ?? "";
		editInputs.lowStockThreshold.value = product.lowStockThreshold ?? "";
		editInputs.shippable.checked = Boolean(product.shippable);
		editInputs.translations.value = product.translations?.fr?.name ?? "";
		editInputs.frDescription.value = product.translations?.fr?.description ?? "";
		tell(byId("edit-product-status"), "");
	}

	editForm.addEventListener("submit", (event) => {
		event.preventDefault();
		const product = current();
		if (!product?.currency) return;
		const formStatus = byId("edit-product-status");
		clearFieldErrors(editInputs);
		const problems = [];
		const name = editInputs.name.value.trim();
		if (!name) problems.push([editInputs.name, "Enter a name."]);
		const unitAmount = toMinorUnits(editInputs.unitAmount.value, product);
		if (unitAmount === null) problems.push([editInputs.unitAmount, priceProblem(product)]);
		const threshold = editInputs.lowStockThreshold.value.trim();
		if (threshold !== "" && !/^\d{1,7}$/.test(threshold))
			problems.push([
				editInputs.lowStockThreshold,
				"Enter a whole number of units (0 or more), or leave it empty for no alert.",
			]);
		if (problems.length) {
			refuse(formStatus, "Not saved", problems);
			return;
		}
		const wanted = {
			name,
			unitAmount,
			description: editInputs.description.value.trim(),
			taxCode: editInputs.taxCode.value.trim() || null,
			shippable: editInputs.shippable.checked,
			lowStockThreshold: threshold === "" ? null : Number(threshold),
		};
		// Only what differs, so the trail names what the operator changed.
		const patch = Object.fromEntries(
			Object.entries(wanted).filter(
				([key, value]) => value !== (product[key] ?? (key === "description" ? "" : null)),
			),
		);
		const translations = typedTranslations(editInputs.translations, editInputs.frDescription);
		if (!sameTranslations(translations, product.translations)) patch.translations = translations;
		if (Object.keys(patch).length === 0) {
			tell(formStatus, "Nothing to save: no field changed.");
			return;
		}
		change(
			editForm,
			formStatus,
			editInputs,
			"Not saved",
			(p) => admin(productPath(p), { method: "PATCH", body: patch }),
			(updated) => {
				fillEditForm(updated);
				const names = Object.keys(patch).map((key) => FIELD_LABELS[key] ?? key);
				return `Saved: ${names.join(", ")}.`;
			},
		);
	});

	return { show, forget };
}
