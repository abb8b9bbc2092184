/**
 * The storefront's cart: its lines with their quantity steppers, the total, two
 * currencies in one cart, and the phones' "View cart" bar, each drawn from the
 * stored cart (cart.js) and the catalogue the page loaded.
 */
import { getItems, MAX_QUANTITY, removeItem, removeItems, setQuantity } from "./cart.js";
import { byId, h, replaceChildren, say } from "./dom.js";
import { locale, t, tn } from "./i18n.js";
import { currencyLabel } from "./money.js";
import { capOf, capText, price } from "./storefront-products.js";

/**
 * The cart's known lines by currency, in the order the currencies first
 * appear: `[{money, items, total}]`. One group is a cart that can be paid;
 * more (an old cart, a product whose price moved to another currency, two
 * tabs) is a conflict, and amounts are never added across groups.
 */
export function cartGroups(items, catalog) {
	const groups = new Map();
	for (const item of items) {
		const product = catalog.get(item.productId);
		if (!product) continue;
		let group = groups.get(product.currency);
		if (!group) {
			group = {
				money: { currency: product.currency, minorUnits: product.minorUnits },
				items: [],
				total: 0,
			};
			groups.set(product.currency, group);
		}
		group.items.push(item);
		group.total += product.unitAmount * item.quantity;
	}
	return [...groups.values()];
}

function cartLine(product, quantity) {
	const name = product.name;
	const qtyId = `qty-${product.id}`;
	const cap = capOf(product);
	return h(
		"li",
		{ class: "cart-line", dataset: { cartLine: product.id } },
		h(
			"div",
			{ class: "line-info" },
			h("span", { class: "line-name" }, name),
			h(
				"span",
				{ class: "line-unit small muted" },
				t("cart.each", { price: price(product.unitAmount, product) }),
			),
		),
		h(
			"div",
			{ class: "stepper" },
			h(
				"button",
				{
					type: "button",
					class: "step",
					dataset: { action: "dec", item: product.id },
					"aria-label": t("cart.decrease", { name }),
					disabled: quantity <= 1,
				},
				"−",
			),
			h("label", { for: qtyId, class: "visually-hidden" }, t("cart.quantityOf", { name })),
			h("input", {
				id: qtyId,
				type: "number",
				inputmode: "numeric",
				min: 1,
				max: Math.max(cap, 1),
				step: 1,
				value: quantity,
				class: "qty",
				dataset: { action: "qty", item: product.id },
			}),
			h(
				"button",
				{
					type: "button",
					class: "step",
					dataset: { action: "inc", item: product.id },
					"aria-label": t("cart.increase", { name }),
					disabled: quantity >= cap,
				},
				"+",
			),
		),
		h("span", { class: "line-total" }, price(product.unitAmount * quantity, product)),
		h(
			"button",
			{
				type: "button",
				class: "link-button remove",
				dataset: { action: "remove", item: product.id },
				// Starts with the visible word, so voice control finds it by what it shows.
				"aria-label": t("cart.removeNamed", { name }),
			},
			t("cart.remove"),
		),
	);
}

/**
 * The cart section (`#cart`) and the bar that stands in for it; `render` draws both.
 * @param {{
 *   catalog: Map<string, any>,
 *   isLoaded: () => boolean,
 *   isPaying: () => boolean,
 *   destination: { show: (ships: boolean) => void },
 *   payButton: HTMLButtonElement,
 *   status: HTMLElement,
 *   clearError: () => void,
 *   updateProducts: (items: any[], currency: string | null) => void,
 * }} deps the page's: the catalogue as last loaded (until it is, the cart shows
 *   only its count), the Pay button, the cart's live region, and the product cards
 */
export function cartView({
	catalog,
	destination,
	isLoaded,
	isPaying,
	payButton,
	status,
	clearError,
	updateProducts,
}) {
	const cartEl = byId("cart");
	const cartLines = byId("cart-lines");
	const cartEmpty = byId("cart-empty");
	const cartConflict = byId("cart-conflict");
	const cartConflictText = byId("cart-conflict-text");
	const cartConflictActions = byId("cart-conflict-actions");
	const cartCurrency = byId("cart-currency");
	const cartSummary = byId("cart-summary");
	const cartTotal = byId("cart-total");
	const cartExtras = byId("cart-extras");
	/** Whether Stripe adds tax on its page (the worker writes it into the page: `data-taxes`). */
	const taxAdded = document.body.dataset.taxes === "added";
	const cartCount = byId("cart-count");
	const cartCountUnit = byId("cart-count-unit");
	const cartBar = byId("cart-bar");

	let cartInView = false;

	function render() {
		const loaded = isLoaded();
		const items = loaded ? getItems().filter((i) => catalog.has(i.productId)) : getItems();
		const count = items.reduce((sum, i) => sum + i.quantity, 0);
		cartCount.textContent = String(count);
		cartCountUnit.textContent = tn("cart.items", count);

		if (!loaded) {
			payButton.disabled = true;
			renderCartBar(count, "");
			return;
		}
		const groups = cartGroups(items, catalog);
		const mixed = groups.length > 1;
		const currency = groups[0]?.money.currency ?? null;
		const focusKey = focusedCartControl();
		replaceChildren(
			cartLines,
			items.map((item) => cartLine(catalog.get(item.productId), item.quantity)),
		);
		restoreFocus(focusKey);

		cartEmpty.hidden = items.length > 0;
		const total = groups.length === 1 ? price(groups[0].total, groups[0].money) : "";
		cartSummary.hidden = total === "";
		cartTotal.textContent = total;
		// The total is the items' alone: what Stripe's page adds to it is said under it.
		const ships = items.some((i) => catalog.get(i.productId)?.shippable);
		destination.show(ships && total !== "");
		const extras = ships && taxAdded ? "both" : ships ? "shipping" : taxAdded ? "tax" : "";
		cartExtras.hidden = total === "" || extras === "";
		cartExtras.textContent = total && extras ? t(`cart.extras.${extras}`) : "";
		cartCurrency.hidden = total === "";
		cartCurrency.textContent = total
			? t("cart.currency", { currency: currencyLabel(currency) })
			: "";
		renderConflict(groups);
		payButton.disabled = isPaying() || items.length === 0 || mixed;
		updateProducts(items, currency);
		renderCartBar(count, total);
	}

	/** Two currencies in one cart: say so, and offer to remove the lines in each odd one. */
	function renderConflict(groups) {
		cartConflict.hidden = groups.length < 2;
		if (groups.length < 2) {
			cartConflictText.textContent = "";
			replaceChildren(cartConflictActions);
			return;
		}
		const labels = groups.map((g) => currencyLabel(g.money.currency));
		cartConflictText.textContent = t("cart.mixedCurrencies", {
			currencies: new Intl.ListFormat(locale, { type: "conjunction" }).format(labels),
		});
		replaceChildren(
			cartConflictActions,
			groups.slice(1).map((g) =>
				h(
					"button",
					{
						type: "button",
						class: "btn btn-secondary",
						dataset: { action: "remove-currency", currency: g.money.currency },
					},
					t("cart.removeOdd", { currency: currencyLabel(g.money.currency) }),
				),
			),
		);
	}

	/** Phones: "View cart (2) · $48.00" at the bottom while the cart itself is out of view. */
	function renderCartBar(count, total) {
		cartBar.textContent = total ? t("cart.viewTotal", { count, total }) : t("cart.view", { count });
		cartBar.hidden = count === 0 || cartInView;
		cartBar.dataset.count = String(count);
	}

	/** Which cart control has focus, so it can get it back after a re-render. */
	function focusedCartControl() {
		const active = document.activeElement;
		if (!active || !cartLines.contains(active)) return null;
		return { action: active.dataset.action, item: active.dataset.item };
	}

	function restoreFocus(key) {
		if (!key) return;
		const selector = `[data-item="${CSS.escape(key.item)}"]`;
		let target = cartLines.querySelector(`${selector}[data-action="${key.action}"]`);
		if (!target || target.disabled)
			target = cartLines.querySelector(`${selector}[data-action="qty"]`);
		(target ?? cartEl).focus();
	}

	cartLines.addEventListener("click", (event) => {
		const button = event.target.closest("button[data-action]");
		if (!button || button.disabled) return;
		const { action, item: productId } = button.dataset;
		const product = catalog.get(productId);
		if (!product) return;
		const current = getItems().find((i) => i.productId === productId)?.quantity ?? 0;
		clearError();
		if (action === "inc" || action === "dec") {
			const cap = capOf(product);
			const quantity = action === "inc" ? Math.min(current + 1, cap) : Math.max(current - 1, 1);
			setQuantity(productId, quantity);
			render();
			const set = t("cart.quantitySet", { name: product.name, quantity });
			// The + button just went dim: say why.
			say(status, quantity >= cap && cap < MAX_QUANTITY ? `${set} ${capText(product, cap)}` : set);
		} else if (action === "remove") {
			removeItem(productId);
			render();
			cartEl.focus();
			say(status, t("cart.removed", { name: product.name }));
		}
	});

	cartLines.addEventListener("change", (event) => {
		const input = event.target.closest('input[data-action="qty"]');
		if (!input) return;
		const product = catalog.get(input.dataset.item);
		if (!product) return;
		const quantity = Number(input.value);
		const cap = capOf(product);
		if (Number.isInteger(quantity) && quantity > cap && quantity <= MAX_QUANTITY && cap >= 1) {
			setQuantity(product.id, cap);
			clearError();
			say(status, capText(product, cap));
		} else if (Number.isInteger(quantity) && quantity >= 1 && quantity <= MAX_QUANTITY) {
			setQuantity(product.id, quantity);
			clearError();
			say(status, t("cart.quantitySet", { name: product.name, quantity }));
		} else {
			say(status, t("cart.quantityInvalid", { max: MAX_QUANTITY }));
		}
		render();
	});

	cartConflictActions.addEventListener("click", (event) => {
		const button = event.target.closest('button[data-action="remove-currency"]');
		if (!button) return;
		const { currency } = button.dataset;
		removeItems(
			getItems()
				.filter((i) => catalog.get(i.productId)?.currency === currency)
				.map((i) => i.productId),
		);
		clearError();
		render();
		cartEl.focus();
		say(status, t("cart.removedOdd", { currency: currencyLabel(currency) }));
	});

	// The bar stands in for the cart only while the cart is out of view (the bar's own strip excluded).
	if ("IntersectionObserver" in window) {
		new IntersectionObserver(
			(entries) => {
				cartInView = entries.some((e) => e.isIntersecting);
				cartBar.hidden = cartBar.dataset.count === "0" || cartInView;
			},
			{ rootMargin: "0px 0px -96px 0px" },
		).observe(cartEl);
	}

	return { render };
}
