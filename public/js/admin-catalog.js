/**
 * The admin console's Catalog tab (SPEC 11): every product with its stock and
 * what open checkouts hold, a form to create one (admin-product-create.js),
 * and, for the product opened, its edit and stock forms and its audit trail
 * (admin-product-detail.js). A refusal is shown beside the field the API
 * names in `error.field`.
 */

import { newProductSection, newProductToggle, productCreate } from "./admin-product-create.js";
import { productDetail, productDetailSection } from "./admin-product-detail.js";
import { apiRefusals } from "./admin-product-fields.js";
import { productRow } from "./admin-product-view.js";
import { latestRequest, plural } from "./admin-view.js";
import { byId, h, replaceChildren, say, srOnly } from "./dom.js";
import { button, dataTable, liveLine, toolbar } from "./ui.js";

/** The tab's markup: its toolbar, the new-product form, the list, and the product opened. */
function catalogView() {
	return [
		toolbar(button("Refresh", { id: "refresh-catalog", small: true }), newProductToggle()),
		newProductSection(),
		liveLine("catalog-status"),
		dataTable({
			label: "Products table",
			caption: "Every product, inactive ones included, by currency and name",
			columns: [
				"Product",
				{ text: "Price", num: true },
				"Status",
				"Shipping",
				{ text: "Stock", num: true },
				{ text: "Reserved", num: true },
				srOnly("Action"),
			],
			bodyId: "catalog-body",
			className: "catalog-table stacked-table",
		}),
		productDetailSection(),
	];
}

/**
 * Draws the tab into `panel`, then makes it work.
 *
 * @param {HTMLElement} panel the tab's panel (in the page: its parts find their elements by id)
 * @param {{
 *   admin: (path: string, options?: object) => Promise<any>,
 *   isHandled: (err: unknown) => boolean,
 *   messageOf: (err: unknown) => string,
 *   loaded: Set<string>,
 * }} deps what admin.js shares: its authenticated request, and which panels have loaded
 */
export function catalogTab(panel, { admin, isHandled, messageOf, loaded }) {
	panel.append(...catalogView());
	const body = byId("catalog-body");
	const status = byId("catalog-status");

	/** @type {any[]} */
	let products = [];
	/**
	 * Each currency Stripe charges in → its minor units, as the API lists them
	 * (src/lib/money.ts is the one table). The created product's `minorUnits` is
	 * checked after creation all the same, and a price read with other decimals
	 * is corrected.
	 */
	let currencyDigits = {};
	const listRequests = latestRequest();

	/** Minor units of a currency, as the API tells them; a code it does not list is refused on creation. */
	function minorUnitsFor(currency) {
		return Number.isInteger(currencyDigits[currency]) ? currencyDigits[currency] : 2;
	}

	const refuseFromApi = apiRefusals(messageOf);
	const create = productCreate({ admin, isHandled, refuseFromApi, minorUnitsFor, updateRow, load });
	const detail = productDetail({
		admin,
		isHandled,
		messageOf,
		refuseFromApi,
		productOf: (id) => products.find((p) => p.id === id),
		updateRow,
		onClosed(id) {
			const button = id && body.querySelector(`button[data-open-product="${CSS.escape(id)}"]`);
			(button || byId("refresh-catalog")).focus();
		},
	});

	// ---- the list ---------------------------------------------------------------

	function showList() {
		replaceChildren(
			body,
			products.length
				? products.map(productRow)
				: h("tr", {}, h("td", { colspan: 7 }, "No products yet.")),
		);
		create.showCurrencies([...new Set(products.map((p) => p.currency))]);
	}

	function updateRow(product) {
		const i = products.findIndex((p) => p.id === product.id);
		if (i === -1) products.push(product);
		else products[i] = product;
		const row = body.querySelector(`tr[data-product-id="${CSS.escape(product.id)}"]`);
		if (row) row.replaceWith(productRow(product));
		else showList();
		// A product deactivated or created here changes the count the line says.
		describeList();
	}

	function describeList() {
		const inactive = products.filter((p) => !p.active).length;
		say(
			status,
			products.length
				? `${plural(products.length, "product")}${inactive ? `, ${inactive} inactive` : ""}.`
				: "No products.",
		);
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
			describeList();
		} catch (err) {
			if (request.aborted) return;
			loaded.delete("panel-catalog");
			if (!isHandled(err)) say(status, `Could not load products: ${messageOf(err)}`);
		}
	}

	body.addEventListener("click", (event) => {
		const button = event.target.closest("button[data-open-product]");
		if (button) detail.open(button.dataset.openProduct);
	});

	byId("refresh-catalog").addEventListener("click", async () => {
		await load();
		detail.reload();
	});

	/** Forgets everything shown (signed out). */
	function reset() {
		listRequests.next();
		products = [];
		currencyDigits = {};
		detail.reset();
		create.reset();
		replaceChildren(body);
		status.textContent = "";
	}

	return { load, reset };
}
