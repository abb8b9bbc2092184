import { formatMoney } from "shop-money";
import { type MessageKey, translate } from "../../i18n/catalogues.ts";
import { postalLines } from "../../lib/postal-address.ts";
import type { Row } from "./model.ts";
import type { EmailOrder } from "./types.ts";

/** Each item as "name × quantity" with its line total. */
export function itemRows(order: EmailOrder): Row[] {
	const { locale } = order;
	return order.items.map((item) => ({
		label: translate(locale, "email.itemLine", { name: item.name, quantity: item.quantity }),
		value: formatMoney(item.unitAmount * item.quantity, order.currency, locale),
		image: item.imageUrl ?? null,
	}));
}

/**
 * Subtotal, what Stripe's page took off or added, the total, then what went
 * back. `asked`: a payment that did not go through shows what the payment page
 * asked, shipping and tax included, when it is known.
 */
export function totalRows(
	order: EmailOrder,
	{ refundedNow, asked = false }: { refundedNow?: number | undefined; asked?: boolean } = {},
): Row[] {
	const { locale } = order;
	const t = (key: MessageKey, params?: Record<string, string>) => translate(locale, key, params);
	const money = (amount: number) => formatMoney(amount, order.currency, locale);
	const rows: Row[] = [];
	for (const line of order.totals) {
		switch (line.kind) {
			case "subtotal":
				rows.push({ label: t("email.subtotal"), value: money(line.amount) });
				break;
			case "discount":
				rows.push({
					label: line.code ? t("email.discountCode", { code: line.code }) : t("email.discount"),
					value: `−${money(line.amount)}`,
				});
				break;
			case "shipping":
				rows.push({
					label: line.rateName
						? t("email.shippingRate", { rate: line.rateName })
						: t("email.shipping"),
					value: money(line.amount),
				});
				break;
			case "tax":
				rows.push({
					label: t(line.included ? "email.taxIncluded" : "email.tax"),
					value: money(line.amount),
				});
				break;
			case "total":
				// A declined payment's e-mail tells what the payment page asked (shipping and tax in).
				rows.push(
					asked && order.amountAsked !== null
						? { label: t("email.askedTotal"), value: money(order.amountAsked), strong: true }
						: { label: t("email.total"), value: money(line.amount), strong: true },
				);
				// The refund's own e-mail tells this refund, then all refunded so far.
				if (refundedNow !== undefined) {
					rows.push({
						label: t("email.refundedNow"),
						value: `−${money(refundedNow)}`,
						strong: true,
					});
					rows.push({ label: t("email.refundedTotal"), value: `−${money(order.amountRefunded)}` });
				}
				break;
			case "refunded":
				if (refundedNow === undefined)
					rows.push({ label: t("email.refunded"), value: `−${money(line.amount)}` });
				break;
		}
	}
	return rows;
}

/** The address as it goes on a parcel, in the order's language. */
export function addressLines(order: EmailOrder): string[] | null {
	const shipping = order.shipping;
	return shipping ? postalLines(shipping.name, shipping.address, order.locale) : null;
}
