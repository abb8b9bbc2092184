/**
 * The shopper's cart and last checkout, kept in localStorage, plus the
 * Idempotency-Key for the checkout request, kept in sessionStorage (this tab).
 * The cart holds product ids and quantities, and each product's name as last
 * seen (to say which one was dropped once it is no longer sold): prices and
 * currencies always come from the server.
 */

export const MAX_QUANTITY = 99;
export const MAX_LINES = 20;

const CART_KEY = "shop.cart.v1";
const LAST_CHECKOUT_KEY = "shop.lastCheckout.v1";
const CHECKOUT_KEY_KEY = "shop.checkoutKey.v1";

/** The localStorage key of the cart, for `storage` events from other tabs. */
export const CART_STORAGE_KEY = CART_KEY;

function read(storage, key) {
	try {
		const text = storage.getItem(key);
		return text === null ? null : JSON.parse(text);
	} catch {
		return null;
	}
}

function write(storage, key, value) {
	try {
		if (value === null) storage.removeItem(key);
		else storage.setItem(key, JSON.stringify(value));
	} catch {
		// Storage full or disabled (private mode): the page still works for this visit.
	}
}

function isQuantity(n) {
	return Number.isInteger(n) && n >= 1 && n <= MAX_QUANTITY;
}

const MAX_NAME_LENGTH = 200;

function cleanName(name) {
	return typeof name === "string" && name !== "" ? name.slice(0, MAX_NAME_LENGTH) : undefined;
}

/** Valid lines only, one per product, in the order first seen. */
export function cleanItems(items) {
	if (!Array.isArray(items)) return [];
	const merged = new Map();
	for (const item of items) {
		if (!item || typeof item.productId !== "string" || item.productId === "") continue;
		const quantity = Number(item.quantity);
		if (!Number.isInteger(quantity) || quantity < 1) continue;
		const line = merged.get(item.productId) ?? { productId: item.productId, quantity: 0 };
		line.quantity = Math.min(line.quantity + quantity, MAX_QUANTITY);
		line.name ??= cleanName(item.name);
		merged.set(item.productId, line);
	}
	return [...merged.values()]
		.slice(0, MAX_LINES)
		.map(({ productId, quantity, name }) =>
			name === undefined ? { productId, quantity } : { productId, quantity, name },
		);
}

/** The cart's lines: `[{productId, quantity, name?}]`. */
export function getItems() {
	const cart = read(localStorage, CART_KEY);
	return cleanItems(cart?.items);
}

function saveItems(items) {
	const clean = cleanItems(items);
	write(localStorage, CART_KEY, clean.length ? { items: clean } : null);
	// New cart content, new Idempotency-Key.
	forgetCheckoutKey();
	return clean;
}

export function quantityOf(productId) {
	return getItems().find((i) => i.productId === productId)?.quantity ?? 0;
}

/** Adds one (or `n`) of a product, capped at 99; `name` is kept with the line. */
export function addItem(productId, n = 1, name = undefined) {
	const items = getItems();
	const line = items.find((i) => i.productId === productId);
	if (line) line.quantity = Math.min(line.quantity + n, MAX_QUANTITY);
	else if (items.length < MAX_LINES)
		items.push({ productId, quantity: Math.min(n, MAX_QUANTITY), name: cleanName(name) });
	return saveItems(items);
}

/**
 * Keeps each line's product name as the catalogue now has it (`names`: id →
 * name). The content to pay for is unchanged, so the Idempotency-Key stays.
 */
export function rememberNames(names) {
	const items = getItems();
	let changed = false;
	for (const line of items) {
		const name = cleanName(names.get(line.productId));
		if (name !== undefined && name !== line.name) {
			line.name = name;
			changed = true;
		}
	}
	if (changed) write(localStorage, CART_KEY, { items: cleanItems(items) });
	return items;
}

/** Removes every line whose product id is in `productIds`. */
export function removeItems(productIds) {
	const drop = new Set(productIds);
	return saveItems(getItems().filter((i) => !drop.has(i.productId)));
}

/** Sets a line's quantity (1 to 99); other values are ignored. */
export function setQuantity(productId, quantity) {
	if (!isQuantity(quantity)) return getItems();
	const items = getItems();
	const line = items.find((i) => i.productId === productId);
	if (line) line.quantity = quantity;
	return saveItems(items);
}

/**
 * Lowers each line to the most its product may have (`limits`: id → units,
 * 0 removing the line); products not in `limits` keep theirs. Answers the
 * product ids of the lines it changed.
 */
export function fitItems(limits) {
	const changed = [];
	const items = [];
	for (const line of getItems()) {
		const limit = limits.get(line.productId);
		if (limit === undefined || line.quantity <= limit) items.push(line);
		else {
			changed.push(line.productId);
			if (limit >= 1) items.push({ ...line, quantity: limit });
		}
	}
	if (changed.length) saveItems(items);
	return changed;
}

export function removeItem(productId) {
	return saveItems(getItems().filter((i) => i.productId !== productId));
}

export function clearCart() {
	return saveItems([]);
}

/** One line per product, sorted by id, as the server normalises a cart. */
export function normalizeItems(items) {
	return cleanItems(items)
		.map((i) => ({ productId: i.productId, quantity: i.quantity }))
		.sort((a, b) => (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0));
}

export function sameItems(a, b) {
	return JSON.stringify(normalizeItems(a)) === JSON.stringify(normalizeItems(b));
}

/** The last checkout started from this browser: `{orderId, resumeToken, items, createdAt}` or null. */
export function getLastCheckout() {
	const last = read(localStorage, LAST_CHECKOUT_KEY);
	if (!last || typeof last.orderId !== "string" || last.orderId === "") return null;
	return {
		orderId: last.orderId,
		resumeToken: typeof last.resumeToken === "string" ? last.resumeToken : null,
		items: cleanItems(last.items),
		createdAt: last.createdAt ?? null,
	};
}

export function setLastCheckout(orderId, items, resumeToken) {
	write(localStorage, LAST_CHECKOUT_KEY, {
		orderId,
		resumeToken: resumeToken ?? null,
		items: cleanItems(items),
		createdAt: new Date().toISOString(),
	});
}

export function clearLastCheckout() {
	write(localStorage, LAST_CHECKOUT_KEY, null);
}

function randomKey() {
	if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
	// crypto.randomUUID needs a secure context; getRandomValues does not.
	const b = crypto.getRandomValues(new Uint8Array(16));
	b[6] = (b[6] & 0x0f) | 0x40;
	b[8] = (b[8] & 0x3f) | 0x80;
	const hex = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The Idempotency-Key for a checkout request: one random key per request
 * content (cart lines and order id), kept in sessionStorage so a double click
 * or a reload-and-retry sends the same key, and a new one for new content.
 */
export function checkoutKeyFor(request) {
	const fingerprint = JSON.stringify({
		items: normalizeItems(request.items),
		orderId: request.orderId ?? null,
		resumeToken: request.resumeToken ?? null,
	});
	const saved = read(sessionStorage, CHECKOUT_KEY_KEY);
	if (saved && saved.fingerprint === fingerprint && typeof saved.key === "string") return saved.key;
	const key = randomKey();
	write(sessionStorage, CHECKOUT_KEY_KEY, { fingerprint, key });
	return key;
}

/** Drops the stored key (after a completed checkout request, or when the cart changes). */
export function forgetCheckoutKey() {
	write(sessionStorage, CHECKOUT_KEY_KEY, null);
}
