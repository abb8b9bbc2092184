/**
 * The console's Shipping tab (SPEC 17): the shipping rates Stripe's page
 * offers, per currency, each with its name in English and French, its price,
 * its delivery estimate, an optional free-shipping threshold, and whether it is
 * offered; created (`POST /admin/shipping-rates`) and edited (`PATCH
 * /admin/shipping-rates/:id`, only what changed, audited) in one form. A
 * refusal is shown beside the field the API names.
 */

import { rateForm } from "./admin-shipping-form.js";
import { giveFocusBack, latestRequest } from "./admin-view.js";
import { h, replaceChildren, say } from "./dom.js";
import { clearFieldErrors, refuse, tell } from "./form-feedback.js";
import { formatMoney, toMajorString, toMinorUnits } from "./money.js";
import { dataTable, liveLine } from "./ui.js";

const DAYS = /^\d{1,3}$/;

/**
 * @param {HTMLElement} panel the tab's panel
 * @param {{
 *   admin: (path: string, options?: object) => Promise<any>,
 *   isHandled: (err: unknown) => boolean,
 *   messageOf: (err: unknown) => string,
 *   loaded: Set<string>,
 * }} deps what admin.js shares
 */
export function shippingTab(panel, { admin, isHandled, messageOf, loaded }) {
	const { form, inputs, heading, save, fresh } = rateForm();
	const status = liveLine("shipping-status");
	panel.append(
		h("h2", { class: "panel-heading" }, "Shipping rates"),
		h(
			"p",
			{ class: "small muted" },
			"Stripe's page offers the active rates of the cart's currency, cheapest first, at most five, when the cart holds goods to ship.",
		),
		status,
		dataTable({
			label: "Shipping rates table",
			caption: "Shipping rates by currency, cheapest first",
			columns: [
				"Name",
				"Currency",
				{ text: "Price", num: true },
				"Delivery",
				"Free from",
				"Countries",
				"Status",
				"Action",
			],
			bodyId: "rates-body",
			className: "stacked-table",
		}),
		h("section", { class: "panel catalog-panel" }, heading, h("p", {}, fresh), form),
	);
	const body = panel.querySelector("#rates-body");
	const formStatus = form.querySelector("#rate-status");
	const requests = latestRequest();
	/** The rate the form edits (null: a new one), and the currencies' minor units. */
	let editing = null;
	let digits = {};

	const moneyOf = (currency) => ({ currency, minorUnits: digits[currency] ?? 2 });

	function row(rate) {
		const days =
			rate.minDays || rate.maxDays ? `${rate.minDays ?? "?"}–${rate.maxDays ?? "?"} days` : "—";
		return h(
			"tr",
			{},
			h(
				"td",
				{ dataset: { label: "Name" } },
				rate.displayName,
				rate.translations?.fr?.name
					? h("span", { class: "email-line small muted", lang: "fr" }, rate.translations.fr.name)
					: "",
			),
			h("td", { dataset: { label: "Currency" } }, rate.currency.toUpperCase()),
			h("td", { class: "num", dataset: { label: "Price" } }, formatMoney(rate.amount, rate)),
			h("td", { dataset: { label: "Delivery" } }, days),
			h(
				"td",
				{ dataset: { label: "Free from" } },
				rate.freeAbove === null ? "—" : formatMoney(rate.freeAbove, rate),
			),
			h("td", { dataset: { label: "Countries" } }, rate.countries?.join(", ") ?? "All"),
			h("td", { dataset: { label: "Status" } }, rate.active ? "Offered" : "Not offered"),
			h(
				"td",
				{ dataset: { label: "Action" } },
				h(
					"button",
					{ type: "button", class: "btn btn-secondary btn-small", dataset: { editRate: rate.id } },
					"Edit",
					h(
						"span",
						{ class: "visually-hidden" },
						` ${rate.displayName} (${rate.currency.toUpperCase()})`,
					),
				),
			),
		);
	}

	function fill(rate) {
		editing = rate;
		clearFieldErrors(inputs);
		heading.textContent = rate
			? `Edit ${rate.displayName} (${rate.currency.toUpperCase()})`
			: "New rate";
		save.textContent = rate ? "Save rate" : "Create rate";
		inputs.id.value = rate?.id ?? "";
		inputs.id.disabled = Boolean(rate);
		inputs.currency.value = rate?.currency ?? "";
		inputs.currency.disabled = Boolean(rate);
		inputs.displayName.value = rate?.displayName ?? "";
		inputs.translations.value = rate?.translations?.fr?.name ?? "";
		inputs.amount.value = rate ? toMajorString(rate.amount, rate) : "";
		inputs.minDays.value = rate?.minDays ?? "";
		inputs.maxDays.value = rate?.maxDays ?? "";
		inputs.freeAbove.value = rate?.freeAbove == null ? "" : toMajorString(rate.freeAbove, rate);
		inputs.countries.value = rate?.countries?.join(", ") ?? "";
		inputs.active.checked = rate ? rate.active : true;
	}

	async function load() {
		loaded.add(panel.id);
		const request = requests.next();
		say(status, "Loading the rates…");
		try {
			const data = await admin("/admin/shipping-rates", { signal: request });
			if (request.aborted) return;
			digits = data.currencies ?? {};
			replaceChildren(
				body,
				data.rates.length
					? data.rates.map(row)
					: h("tr", {}, h("td", { colspan: 7 }, "No rates yet.")),
			);
			say(status, `${data.rates.length} rate${data.rates.length === 1 ? "" : "s"}.`);
			return data.rates;
		} catch (err) {
			if (request.aborted) return;
			loaded.delete(panel.id);
			if (!isHandled(err)) say(status, `Could not load the rates: ${messageOf(err)}`);
		}
	}

	/** The form's values as the API takes them, or the problems beside their fields. */
	function read() {
		const problems = [];
		const currency = (editing?.currency ?? inputs.currency.value.trim()).toLowerCase();
		const money = moneyOf(currency);
		const amountText = inputs.amount.value.trim();
		const amount = amountText === "0" ? 0 : toMinorUnits(amountText, money);
		if (amount === null) problems.push([inputs.amount, "Enter a price like 4.90, or 0 for free."]);
		const freeText = inputs.freeAbove.value.trim();
		const freeAbove = freeText === "" ? null : toMinorUnits(freeText, money);
		if (freeAbove === null && freeText !== "")
			problems.push([inputs.freeAbove, "Enter an amount like 50.00, or leave it empty."]);
		const countries = inputs.countries.value
			.split(/[\s,]+/)
			.map((c) => c.trim().toUpperCase())
			.filter(Boolean);
		if (countries.some((c) => !/^[A-Z]{2}$/.test(c)))
			problems.push([
				inputs.countries,
				"Enter two-letter country codes like FR, BE, or leave it empty.",
			]);
		const day = (input) => {
			const text = input.value.trim();
			if (text === "") return null;
			if (!DAYS.test(text))
				problems.push([input, "Enter a whole number of business days, or leave it empty."]);
			return Number(text);
		};
		const values = {
			displayName: inputs.displayName.value.trim(),
			translations: inputs.translations.value.trim()
				? { fr: { name: inputs.translations.value.trim() } }
				: null,
			amount,
			minDays: day(inputs.minDays),
			maxDays: day(inputs.maxDays),
			freeAbove,
			countries: countries.length > 0 ? countries : null,
			active: inputs.active.checked,
		};
		if (!values.displayName) problems.push([inputs.displayName, "Enter the rate's name."]);
		return {
			problems,
			values: editing ? values : { id: inputs.id.value.trim(), currency, ...values },
		};
	}

	form.addEventListener("submit", async (event) => {
		event.preventDefault();
		clearFieldErrors(inputs);
		const { problems, values } = read();
		if (problems.length) {
			refuse(formStatus, "Not saved", problems);
			return;
		}
		save.disabled = true;
		tell(formStatus, "Saving…");
		try {
			const saved = editing
				? await admin(`/admin/shipping-rates/${encodeURIComponent(editing.id)}`, {
						method: "PATCH",
						body: values,
					})
				: await admin("/admin/shipping-rates", { method: "POST", body: values });
			await load();
			fill(saved);
			tell(
				formStatus,
				`Saved: ${saved.displayName} at ${formatMoney(saved.amount, saved)}${saved.freeAbove === null ? "" : `, free from ${formatMoney(saved.freeAbove, saved)}`}${saved.active ? "; offered from the next checkout in this currency." : "; not offered."}`,
			);
		} catch (err) {
			if (isHandled(err)) return;
			const field = err?.details?.field === "frName" ? "translations" : err?.details?.field;
			const input = inputs[field];
			const message = messageOf(err).replace(/^[a-zA-Z]+:\s*/, "");
			if (input) refuse(formStatus, "Not saved", [[input, message]]);
			else tell(formStatus, `Not saved: ${messageOf(err)}`, { error: true });
		} finally {
			save.disabled = false;
			// Disabled while it worked, the button let the keyboard fall to the page: back to it.
			giveFocusBack(save, formStatus);
		}
	});

	body.addEventListener("click", async (event) => {
		const edit = event.target.closest("button[data-edit-rate]");
		if (!edit) return;
		try {
			fill(await admin(`/admin/shipping-rates/${encodeURIComponent(edit.dataset.editRate)}`));
			tell(formStatus, "");
			inputs.displayName.focus();
		} catch (err) {
			if (!isHandled(err))
				tell(formStatus, `Could not open it: ${messageOf(err)}`, { error: true });
		}
	});
	fresh.addEventListener("click", () => {
		fill(null);
		tell(formStatus, "");
		inputs.id.focus();
	});

	return {
		load,
		reset() {
			requests.next();
			replaceChildren(body);
			fill(null);
			tell(formStatus, "");
			say(status, "");
		},
	};
}
