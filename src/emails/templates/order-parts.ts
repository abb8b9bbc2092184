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
	const rows: Row[] = [{ label: t("email.subtotal"), value: money(order.subtotal) }];
	if (order.amountDiscount > 0) {
		const label = order.discountCode
			? t("email.discountCode", { code: order.discountCode })
			: t("email.discount");
		rows.push({ label, value: `−${money(order.amountDiscount)}` });
	}
	// A shipped order shows its shipping even when it was free.
	if (order.amountShipping > 0 || order.shipping) {
		const rate = order.shipping?.rateName;
		const label = rate ? t("email.shippingRate", { rate }) : t("email.shipping");
		rows.push({ label, value: money(order.amountShipping) });
	}
	if (order.amountTax > 0) rows.push({ label: t("email.tax"), value: money(order.amountTax) });
	if (asked && order.amountAsked !== null)
		rows.push({ label: t("email.askedTotal"), value: money(order.amountAsked), strong: true });
	else rows.push({ label: t("email.total"), value: money(order.amount), strong: true });
	if (refundedNow !== undefined) {
		rows.push({ label: t("email.refundedNow"), value: `−${money(refundedNow)}`, strong: true });
		rows.push({ label: t("email.refundedTotal"), value: `−${money(order.amountRefunded)}` });
	} else if (order.amountRefunded > 0) {
		rows.push({ label: t("email.refunded"), value: `−${money(order.amountRefunded)}` });
	}
	return rows;
}

/** The address as it goes on a parcel, in the order's language. */
export function addressLines(order: EmailOrder): string[] | null {
	const shipping = order.shipping;
	return shipping ? postalLines(shipping.name, shipping.address, order.locale) : null;
}
