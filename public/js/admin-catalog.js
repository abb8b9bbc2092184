/**
 * The admin console's Catalog tab (SPEC 11): every product with its stock and
 * what open checkouts hold, a form to create one, and, for the product opened,
 * its edit and stock forms and its audit trail. A refusal is shown beside the
 * field the API names in `error.field`.
 */

import { FIELD_LABELS, productRow, renderChanges, stockText } from "./admin-product-view.js";
import { code, field, latestRequest, plural } from "./admin-view.js";
import { byId, h, replaceChildren, say, srOnly, timeEl } from "./dom.js";
import { clearFieldErrors, refuse, tell } from "./form-feedback.js";
import { currencyLabel, formatMoney, toMajorString, toMinorUnits } from "./money.js";

const MAX_UNIT_AMOUNT = 99_999_999;

/**
 * @param {{
 *   admin: (path: string, options?: object) => Promise<any>,
 *   isHandled: (err: unknown) => boolean,
 *   messageOf: (err: unknown) => string,
 *   loaded: Set<string>,
 * }} deps what admin.js shares: its authenticated request, and which panels have loaded
 */
export function catalogTab({ admin, isHandled, messageOf, loaded }) {
	const body = byId("catalog-body");
	const status = byId("catalog-status");
	const currencies = byId("catalog-currencies");
	const detail = byId("product-detail");
	const detailStatus = byId("product-status");
	const changesBody = byId("product-changes");
	const changesStatus = byId("changes-status");
	const toggle = byId("new-product-toggle");
	const newProduct = byId("new-product");
	const createForm = byId("create-product-form");
	const editForm = byId("edit-product-form");
	const setForm = byId("set-stock-form");
	const addForm = byId("add-stock-form");
	const toggleActive = byId("toggle-active");
	const unlimited = byId("set-unlimited");

	/** The inputs of each form by the API's field names (what `error.field` names). */
	const createInputs = {
		id: byId("create-id"),
		name: byId("create-name"),
		description: byId("create-description"),
		currency: byId("create-currency"),
		unitAmount: byId("create-price"),
		stock: byId("create-stock"),
		taxCode: byId("create-tax-code"),
		shippable: byId("create-shippable"),
		active: byId("create-active"),
	};
	const editInputs = {
		name: byId("edit-name"),
		unitAmount: byId("edit-price"),
		description: byId("edit-description"),
		taxCode: byId("edit-tax-code"),
		shippable: byId("edit-shippable"),
	};
	const setInputs = { set: byId("set-stock"), stock: byId("set-stock") };
	const addInputs = { add: byId("add-stock") };

	/** @type {any[]} */
	let products = [];
	/**
	 * Each currency Stripe charges in → its minor units, as the API lists them
	 * (src/lib/money.ts is the one table). The created product's `minorUnits` is
	 * checked after creation all the same, and a price read with other decimals
	 * is corrected.
	 */
	let currencyDigits = {};
	/** The product opened, as last read. */
	let current = null;
	/** Whose values the edit form holds: what was typed stays until another product opens. */
	let editFormFor = null;
	const listRequests = latestRequest();
	const detailRequests = latestRequest();

	// ---- fields and their messages ------------------------------------------------

	/** The field an API refusal is about: `error.field`, else the "field: …" its message starts with. */
	function fieldOf(err) {
		const field = err?.details?.field;
		if (typeof field === "string") return field;
		if (err?.code === "product_exists") return "id";
		if (err?.code === "insufficient_stock") return "add";
		return /^([a-zA-Z]+):/.exec(messageOf(err))?.[1];
	}

	/** The API's message for a field, in the operator's terms (prices in major units). */
	function apiMessage(err, field, money) {
		const text = messageOf(err).replace(/^[a-zA-Z]+:\s*/, "");
		if (field === "unitAmount" && money)
			return `Enter a price from ${formatMoney(1, money)} to ${formatMoney(MAX_UNIT_AMOUNT, money)}. (${text})`;
		return text;
	}

	/** Shows an API refusal beside its field, or next to the button when it names none of them. */
	function refuseFromApi(err, formStatus, prefix, inputs, money) {
		const field = fieldOf(err);
		const input = field ? inputs[field] : undefined;
		if (input) {
			refuse(formStatus, prefix, [[input, apiMessage(err, field, money)]]);
			return;
		}
		tell(formStatus, `${prefix}: ${messageOf(err)}`, { error: true });
	}

	// ---- money ----------------------------------------------------------------

	/** Minor units of a currency, as the API tells them; a code it does not list is refused on creation. */
	function minorUnitsFor(currency) {
		return Number.isInteger(currencyDigits[currency]) ? currencyDigits[currency] : 2;
	}

	function priceExample(money) {
		return toMajorString(
			money.minorUnits === 0 ? 1500 : 1250 * 10 ** (money.minorUnits - 2),
			money,
		);
	}

	function priceProblem(money) {
		const digits =
			money.minorUnits === 0
				? "a whole number"
				: `at most ${money.minorUnits} decimal${money.minorUnits === 1 ? "" : "s"}`;
		return `Enter a positive price in ${currencyLabel(money.currency)} (${digits}), like ${priceExample(money)}.`;
	}

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

	// ---- the list ---------------------------------------------------------------

	function showList() {
		replaceChildren(
			body,
			products.length
				? products.map(productRow)
				: h("tr", {}, h("td", { colspan: 7 }, "No products yet.")),
		);
		replaceChildren(
			currencies,
			[...new Set(products.map((p) => p.currency))].map((c) => h("option", { value: c })),
		);
		showCreateCurrency();
	}

	function updateRow(product) {
		const i = products.findIndex((p) => p.id === product.id);
		if (i === -1) products.push(product);
		else products[i] = product;
		const row = body.querySelector(`tr[data-product-id="${CSS.escape(product.id)}"]`);
		if (row) row.replaceWith(productRow(product));
		else showList();
	}

	async function load() {
		loaded.add("panel-catalog");
		const request = listRequests.next();
		say(status, "Loading products…");
		try {
			const data = await admin("/admin/products", { signal: request });
			if (request.aborted) return;
			products = Array.isArray(data.products) ? data.products : [];
			currencyDigits =
				data.currencies && typeof data.currencies === "object" ? data.currencies : {};
			showList();
			const inactive = products.filter((p) => !p.active).length;
			say(
				status,
				products.length
					? `${plural(products.length, "product")}${inactive ? `, ${inactive} inactive` : ""}.`
					: "No products.",
			);
		} catch (err) {
			if (request.aborted) return;
			loaded.delete("panel-catalog");
			if (!isHandled(err)) say(status, `Could not load products: ${messageOf(err)}`);
		}
	}

	// ---- creating a product -----------------------------------------------------------

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
					created = await admin(`/admin/products/${encodeURIComponent(created.id)}`, {
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
		}
	});

	// ---- the product opened -----------------------------------------------------------

	function showProduct(product) {
		current = product;
		byId("product-heading").textContent = product.name;
		replaceChildren(
			byId("product-fields"),
			field("Id", code(product.id)),
			field("Price", formatMoney(product.unitAmount, product)),
			field("Status", product.active ? "active: on sale" : "inactive: hidden from the storefront"),
			field("Shipping", product.shippable ? "Ships (physical goods)" : "Digital: nothing ships"),
			field("Stock", stockText(product.stock)),
			field("Reserved", `${product.reserved ?? 0} in open checkouts`),
			field("Tax code", code(product.taxCode)),
			field("Description", product.description || null),
			field("Created", timeEl(product.createdAt)),
			field("Updated", timeEl(product.updatedAt)),
		);
		byId("active-text").textContent = product.active
			? "On sale in the storefront."
			: "Hidden from the storefront; checkouts already open keep it.";
		toggleActive.textContent = product.active ? "Deactivate" : "Reactivate";
		toggleActive.append(srOnly(` ${product.name}`));
		byId("edit-price-currency").textContent = `(${currencyLabel(product.currency)})`;
		if (editFormFor !== product.id) fillEditForm(product);
		updateRow(product);
	}

	function fillEditForm(product) {
		editFormFor = product.id;
		clearFieldErrors(editInputs);
		editInputs.name.value = product.name;
		editInputs.unitAmount.value = toMajorString(product.unitAmount, product);
		editInputs.description.value = product.description ?? "";
		editInputs.taxCode.value = product.taxCode ?? "";
		editInputs.shippable.checked = Boolean(product.shippable);
		tell(byId("edit-product-status"), "");
	}

	function clearStockForms() {
		setForm.reset();
		addForm.reset();
		setInputs.set.disabled = false;
		clearFieldErrors(setInputs);
		clearFieldErrors(addInputs);
		for (const id of ["set-stock-status", "add-stock-status", "toggle-active-status"])
			tell(byId(id), "");
	}

	/** Reads the product and its trail again; answers it, or null when it could not. */
	async function refresh(id) {
		const request = detailRequests.next();
		let product;
		try {
			product = await admin(`/admin/products/${encodeURIComponent(id)}`, { signal: request });
		} catch (err) {
			// A later read took its place: not an error of this one.
			if (request.aborted) return null;
			throw err;
		}
		if (request.aborted || current?.id !== id) return null;
		showProduct(product);
		renderChanges(product);
		return product;
	}

	async function openProduct(id) {
		if (current?.id !== id) {
			clearStockForms();
			replaceChildren(changesBody);
		}
		current = products.find((p) => p.id === id) ?? { id };
		detail.hidden = false;
		say(detailStatus, "Loading product…");
		say(changesStatus, "Loading changes…");
		try {
			if (await refresh(id)) {
				say(detailStatus, "");
				detail.focus();
			}
		} catch (err) {
			if (isHandled(err)) return;
			say(detailStatus, `Could not load product ${id}: ${messageOf(err)}`);
			say(changesStatus, "");
		}
	}

	body.addEventListener("click", (event) => {
		const button = event.target.closest("button[data-open-product]");
		if (button) openProduct(button.dataset.openProduct);
	});

	byId("close-product").addEventListener("click", () => {
		const id = current?.id;
		detail.hidden = true;
		current = null;
		editFormFor = null;
		const button = id && body.querySelector(`button[data-open-product="${CSS.escape(id)}"]`);
		(button || byId("refresh-catalog")).focus();
	});

	/**
	 * Sends a change to the product opened and shows what became of it next to
	 * `formStatus`: the product and its trail read again, or the refusal beside its field.
	 */
	async function change(form, formStatus, inputs, prefix, send, success) {
		const product = current;
		if (!product?.currency) return;
		const button = form instanceof HTMLButtonElement ? form : form.querySelector("[type=submit]");
		button.disabled = true;
		tell(formStatus, "Saving…");
		try {
			const updated = await send(product);
			if (current?.id !== product.id) {
				updateRow(updated);
				return;
			}
			showProduct(updated);
			tell(formStatus, success(updated, product));
			await refresh(product.id).catch((err) => {
				if (!isHandled(err)) say(changesStatus, `Could not load the changes: ${messageOf(err)}`);
			});
		} catch (err) {
			if (isHandled(err) || current?.id !== product.id) return;
			refuseFromApi(err, formStatus, prefix, inputs, product);
		} finally {
			button.disabled = false;
		}
	}

	const productPath = (product, tail = "") =>
		`/admin/products/${encodeURIComponent(product.id)}${tail}`;

	editForm.addEventListener("submit", (event) => {
		event.preventDefault();
		const product = current;
		if (!product?.currency) return;
		const formStatus = byId("edit-product-status");
		clearFieldErrors(editInputs);
		const problems = [];
		const name = editInputs.name.value.trim();
		if (!name) problems.push([editInputs.name, "Enter a name."]);
		const unitAmount = toMinorUnits(editInputs.unitAmount.value, product);
		if (unitAmount === null) problems.push([editInputs.unitAmount, priceProblem(product)]);
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
		};
		// Only what differs, so the trail names what the operator changed.
		const patch = Object.fromEntries(
			Object.entries(wanted).filter(
				([key, value]) => value !== (product[key] ?? (key === "description" ? "" : null)),
			),
		);
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

	toggleActive.addEventListener("click", () => {
		const product = current;
		if (!product?.currency) return;
		const active = !product.active;
		change(
			toggleActive,
			byId("toggle-active-status"),
			{},
			active ? "Not reactivated" : "Not deactivated",
			(p) => admin(productPath(p), { method: "PATCH", body: { active } }),
			(updated) =>
				updated.active ? "Reactivated: on sale again." : "Deactivated: hidden from the storefront.",
		);
	});

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

	byId("refresh-catalog").addEventListener("click", async () => {
		await load();
		if (current?.currency && !detail.hidden)
			refresh(current.id).catch((err) => {
				if (!isHandled(err)) say(detailStatus, `Could not load the product: ${messageOf(err)}`);
			});
	});

	/** Forgets everything shown (signed out). */
	function reset() {
		listRequests.next();
		detailRequests.next();
		products = [];
		currencyDigits = {};
		current = null;
		editFormFor = null;
		detail.hidden = true;
		openCreate(false);
		createForm.reset();
		clearFieldErrors(createInputs);
		clearStockForms();
		replaceChildren(body);
		replaceChildren(changesBody);
		replaceChildren(currencies);
		for (const el of [status, detailStatus, changesStatus]) el.textContent = "";
		tell(byId("create-product-status"), "");
		showCreateCurrency();
	}

	return { load, reset };
}
