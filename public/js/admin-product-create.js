/**
 * The Catalog tab's "New product" form: its markup (and the toolbar button
 * that opens it), what was typed read into a product (the price in the
 * currency's minor units), and its submission.
 */
import {
	checkField,
	priceExample,
	priceProblem,
	productFields,
	productForm,
	productInputs,
	productPath,
	typedTranslations,
} from "./admin-product-fields.js";
import { stockText } from "./admin-product-view.js";
import { giveFocusBack } from "./admin-view.js";
import { byId, h, replaceChildren } from "./dom.js";
import { clearFieldErrors, refuse, tell } from "./form-feedback.js";
import { currencyLabel, formatMoney, toMinorUnits } from "./money.js";
import { button, formField, textInput, VERBATIM } from "./ui.js";

/** The toolbar's button that shows and hides the form. */
export function newProductToggle() {
	return button("New product", {
		id: "new-product-toggle",
		kind: "primary",
		small: true,
		"aria-expanded": "false",
		"aria-controls": "new-product",
	});
}

/** The form, hidden until the toolbar's button opens it. */
export function newProductSection() {
	const shared = productFields("create", {
		currency: "(USD)",
		priceHint: "In USD, like 12.50.",
		descriptionRows: 2,
		descriptionHint: "Optional.",
		taxCodeHint: "Optional: Stripe's product tax code.",
		ships: true,
	});
	const currency = textInput("currency", {
		...VERBATIM,
		maxlength: 3,
		value: "usd",
		list: "catalog-currencies",
		required: true,
	});
	const currencyField = formField(
		{
			id: "create-currency",
			label: "Currency",
			hint: "A three-letter code, like usd or jpy. It cannot change later.",
		},
		currency,
	);
	currency.after(h("datalist", { id: "catalog-currencies" }));
	return h(
		"section",
		{
			id: "new-product",
			class: "panel catalog-panel",
			"aria-labelledby": "new-product-heading",
			hidden: true,
		},
		h("h2", { id: "new-product-heading", class: "catalog-heading" }, "New product"),
		productForm(
			"create-product",
			"Create product",
			formField(
				{
					id: "create-id",
					label: "Product id",
					hint: "Lowercase letters, digits and hyphens, like house-blend-250g. It cannot change later.",
				},
				textInput("id", { ...VERBATIM, maxlength: 64, required: true }),
			),
			shared.name,
			shared.description,
			shared.frName,
			shared.frDescription,
			currencyField,
			shared.price,
			formField(
				{ id: "create-stock", label: "Stock", hint: "Units for sale. Leave empty for unlimited." },
				textInput("stock", { inputmode: "numeric" }),
			),
			shared.taxCode,
			formField(
				{
					id: "create-recurring",
					label: "Sold as",
					hint: "A plan renews every month or year until the customer cancels (needs customer accounts: SESSION_SECRET).",
				},
				h(
					"select",
					{ name: "recurringInterval" },
					h("option", { value: "" }, "A one-time purchase"),
					h("option", { value: "month" }, "A monthly plan"),
					h("option", { value: "year" }, "A yearly plan"),
				),
			),
			h(
				"div",
				{ class: "field field-checks" },
				shared.shippable,
				checkField({
					id: "create-active",
					name: "active",
					label: "On sale in the storefront",
					checked: true,
				}),
			),
		),
	);
}

/**
 * Makes the form work, once its markup is in the page.
 *
 * @param {{
 *   admin: (path: string, options?: object) => Promise<any>,
 *   isHandled: (err: unknown) => boolean,
 *   refuseFromApi: (err: unknown, formStatus: HTMLElement, prefix: string, inputs: object, money?: object) => void,
 *   minorUnitsFor: (currency: string) => number,
 *   updateRow: (product: any) => void,
 *   load: () => Promise<void>,
 * }} deps the tab's request, its list, and the decimals of each currency the API lists
 * @returns the currencies to offer (`showCurrencies(codes)`) and `reset()`
 */
export function productCreate({ admin, isHandled, refuseFromApi, minorUnitsFor, updateRow, load }) {
	const toggle = byId("new-product-toggle");
	const newProduct = byId("new-product");
	const createForm = byId("create-product-form");
	const currencies = byId("catalog-currencies");

	/** The inputs by the API's field names (what `error.field` names). */
	const createInputs = {
		id: byId("create-id"),
		...productInputs("create"),
		currency: byId("create-currency"),
		stock: byId("create-stock"),
		recurringInterval: byId("create-recurring"),
		active: byId("create-active"),
	};

	/** The currency typed in the create form, and its decimals. */
	function createMoney() {
		const currency = createInputs.currency.value.trim().toLowerCase();
		return /^[a-z]{3}$/.test(currency) ? { currency, minorUnits: minorUnitsFor(currency) } : null;
	}

	function showCreateCurrency() {
		const money = createMoney();
		byId("create-price-currency").textContent = money ? `(${currencyLabel(money.currency)})` : "";
		byId("create-price-hint").textContent = money
			? `In ${currencyLabel(money.currency)}, like ${priceExample(money)}.`
			: "In the product's currency.";
	}

	/** The currencies the list holds, offered as the field is typed in. */
	function showCurrencies(codes) {
		replaceChildren(
			currencies,
			codes.map((c) => h("option", { value: c })),
		);
		showCreateCurrency();
	}

	function openCreate(open) {
		newProduct.hidden = !open;
		toggle.setAttribute("aria-expanded", String(open));
		if (open) createInputs.id.focus();
	}

	toggle.addEventListener("click", () => openCreate(newProduct.hidden));
	createInputs.currency.addEventListener("input", showCreateCurrency);

	/** The create form's product, or the problems with what was typed. */
	function readCreateForm() {
		const problems = [];
		const text = (input) => input.value.trim();
		if (!text(createInputs.id)) problems.push([createInputs.id, "Enter an id."]);
		if (!text(createInputs.name)) problems.push([createInputs.name, "Enter a name."]);
		const money = createMoney();
		if (!money)
			problems.push([createInputs.currency, "Enter a three-letter currency code, like usd."]);
		let unitAmount = null;
		if (money) {
			unitAmount = toMinorUnits(text(createInputs.unitAmount), money);
			if (unitAmount === null) problems.push([createInputs.unitAmount, priceProblem(money)]);
		} else if (!text(createInputs.unitAmount)) {
			problems.push([createInputs.unitAmount, "Enter a price."]);
		}
		const stock = text(createInputs.stock);
		if (stock !== "" && !/^\d{1,7}$/.test(stock))
			problems.push([
				createInputs.stock,
				"Enter a whole number of units (0 or more), or leave it empty for unlimited.",
			]);
		if (problems.length) return { problems };
		return {
			money,
			product: {
				id: text(createInputs.id),
				name: text(createInputs.name),
				description: text(createInputs.description),
				unitAmount,
				currency: money.currency,
				stock: stock === "" ? null : Number(stock),
				taxCode: text(createInputs.taxCode) || null,
				shippable: createInputs.shippable.checked,
				active: createInputs.active.checked,
				recurringInterval: createInputs.recurringInterval.value || null,
				translations: typedTranslations(createInputs.translations, createInputs.frDescription),
			},
		};
	}

	createForm.addEventListener("submit", async (event) => {
		event.preventDefault();
		const formStatus = byId("create-product-status");
		const button = createForm.querySelector("button[type=submit]");
		clearFieldErrors(createInputs);
		const read = readCreateForm();
		if (read.problems) {
			refuse(formStatus, "Not created", read.problems);
			return;
		}
		const priceText = createInputs.unitAmount.value.trim();
		button.disabled = true;
		tell(formStatus, "Creating…");
		try {
			let created = await admin("/admin/products", { method: "POST", body: read.product });
			// The API knows the currency's decimals: a price read with others is put right.
			if (created.minorUnits !== read.money.minorUnits) {
				const unitAmount = toMinorUnits(priceText, created);
				if (unitAmount !== null && unitAmount !== created.unitAmount)
					created = await admin(productPath(created), {
						method: "PATCH",
						body: { unitAmount },
					});
			}
			createForm.reset();
			tell(
				formStatus,
				`Created ${created.name} (${created.id}) at ${formatMoney(created.unitAmount, created)}, stock ${stockText(created.stock)}.`,
			);
			updateRow(created);
			// In its place in the list (by currency and name).
			await load();
		} catch (err) {
			if (!isHandled(err)) refuseFromApi(err, formStatus, "Not created", createInputs, read.money);
			else tell(formStatus, "");
		} finally {
			button.disabled = false;
			giveFocusBack(button, formStatus);
		}
	});

	/** Closes and empties the form (signed out). */
	function reset() {
		openCreate(false);
		createForm.reset();
		clearFieldErrors(createInputs);
		replaceChildren(currencies);
		tell(byId("create-product-status"), "");
		showCreateCurrency();
	}

	return { showCurrencies, reset };
}
