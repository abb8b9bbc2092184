/**
 * The opened product's stock forms: set the units available (or unlimited),
 * or add and remove units. Each sends its change through the detail's
 * `change` (admin-product-detail.js), which shows what became of it.
 */
import { productPath } from "./admin-product-fields.js";
import { stockText } from "./admin-product-view.js";
import { byId, h } from "./dom.js";
import { clearFieldErrors, refuse, tell } from "./form-feedback.js";
import { checkBox, formActions, formField, submit, textInput } from "./ui.js";

/** A stock form: a fieldset of its controls, then its button with its answer (`<base>-status`). */
function stockForm(base, legend, action, ...controls) {
	return h(
		"form",
		{ id: `${base}-form`, class: "catalog-form", novalidate: true },
		h(
			"fieldset",
			{},
			h("legend", {}, legend),
			...controls,
			formActions(submit(action), `${base}-status`),
		),
	);
}

export function stockForms() {
	return h(
		"div",
		{ class: "stock-forms" },
		stockForm(
			"set-stock",
			"Set stock",
			"Set stock",
			formField(
				{
					id: "set-stock",
					label: "Units available",
					hint: "What new checkouts may take from now on, whatever is already reserved.",
				},
				textInput("set", { inputmode: "numeric" }),
			),
			checkBox({ id: "set-unlimited", name: "unlimited", label: "Unlimited" }),
		),
		stockForm(
			"add-stock",
			"Add or remove units",
			"Add units",
			formField(
				{
					id: "add-stock",
					label: "Units to add",
					hint: "A negative number removes units, like -2.",
				},
				textInput("add"),
			),
		),
	);
}

/**
 * Makes the stock forms work, once their markup is in the page.
 *
 * @param {{
 *   admin: (path: string, options?: object) => Promise<any>,
 *   change: (form: HTMLElement, formStatus: HTMLElement, inputs: object, prefix: string,
 *     send: (product: any) => Promise<any>, success: (updated: any, before: any) => string) => void,
 * }} deps the console's request, and how the opened product is changed
 * @returns `clear()`, which empties both forms (another product opened, or signed out)
 */
export function productStock({ admin, change }) {
	const setForm = byId("set-stock-form");
	const addForm = byId("add-stock-form");
	const unlimited = byId("set-unlimited");
	/** The inputs by the API's field names (what `error.field` names). */
	const setInputs = { set: byId("set-stock"), stock: byId("set-stock") };
	const addInputs = { add: byId("add-stock") };

	function clear() {
		setForm.reset();
		addForm.reset();
		setInputs.set.disabled = false;
		clearFieldErrors(setInputs);
		clearFieldErrors(addInputs);
		for (const id of ["set-stock-status", "add-stock-status"]) tell(byId(id), "");
	}

	unlimited.addEventListener("change", () => {
		setInputs.set.disabled = unlimited.checked;
		if (unlimited.checked) clearFieldErrors(setInputs);
	});

	setForm.addEventListener("submit", (event) => {
		event.preventDefault();
		const formStatus = byId("set-stock-status");
		clearFieldErrors(setInputs);
		const text = setInputs.set.value.trim();
		if (!unlimited.checked && !/^\d{1,7}$/.test(text)) {
			refuse(formStatus, "Not set", [
				[setInputs.set, "Enter a whole number of units (0 or more), or choose Unlimited."],
			]);
			return;
		}
		const set = unlimited.checked ? null : Number(text);
		change(
			setForm,
			formStatus,
			setInputs,
			"Not set",
			(p) => admin(productPath(p, "/stock"), { method: "POST", body: { set } }),
			(updated, before) => {
				setForm.reset();
				setInputs.set.disabled = false;
				return `Stock set: ${stockText(before.stock)} → ${stockText(updated.stock)}.`;
			},
		);
	});

	addForm.addEventListener("submit", (event) => {
		event.preventDefault();
		const formStatus = byId("add-stock-status");
		clearFieldErrors(addInputs);
		const text = addInputs.add.value.trim().replace(/^\u2212/, "-");
		if (!/^[+-]?\d{1,7}$/.test(text) || Number(text) === 0) {
			refuse(formStatus, "Not changed", [
				[
					addInputs.add,
					"Enter a whole number other than 0; a negative one removes units, like -2.",
				],
			]);
			return;
		}
		const add = Number(text);
		change(
			addForm,
			formStatus,
			addInputs,
			"Not changed",
			(p) => admin(productPath(p, "/stock"), { method: "POST", body: { add } }),
			(updated, before) => {
				addForm.reset();
				return `${add > 0 ? `Added ${add}` : `Removed ${-add}`}: stock ${stockText(before.stock)} → ${stockText(updated.stock)}.`;
			},
		);
	});

	return { clear };
}
