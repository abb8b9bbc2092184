/**
 * Where the goods go, asked in the cart when the shop has shipping rates for
 * some countries only (the worker writes them into the page: `data-ships-to`).
 * Stripe's page then asks an address in that country and offers its rates.
 * The choice is remembered in this browser; first, the browser's own region.
 */
import { byId, h, replaceChildren } from "./dom.js";
import { locale } from "./i18n.js";

const KEY = "shop.shipTo";
const countries = (document.body.dataset.shipsTo ?? "").split(",").filter(Boolean);

export function destinationField() {
	const field = byId("cart-destination");
	const select = byId("ship-to");
	if (countries.length > 0) {
		const names = new Intl.DisplayNames([locale], { type: "region" });
		const options = countries
			.map((code) => ({ code, name: names.of(code) ?? code }))
			.sort((a, b) => a.name.localeCompare(b.name, locale));
		replaceChildren(
			select,
			options.map((o) => h("option", { value: o.code }, o.name)),
		);
		const region = navigator.language.split("-")[1]?.toUpperCase();
		const saved = localStorage.getItem(KEY);
		select.value = [saved, region].find((c) => c && countries.includes(c)) ?? options[0].code;
		select.addEventListener("change", () => localStorage.setItem(KEY, select.value));
	}
	return {
		/** Shown while the cart holds goods to ship, and the shop asks. */
		show(ships) {
			field.hidden = !(ships && countries.length > 0);
		},
		/** The chosen country for a cart of goods; null when nothing is asked. */
		country(ships) {
			return ships && countries.length > 0 ? select.value : null;
		},
	};
}
