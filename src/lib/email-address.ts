/** What may stand in an address's parts: no spaces or control characters, nothing a header or a list could split on. */
const PART = String.raw`[^\s@,;:<>()[\]\\"\x00-\x1f\x7f]+`;
const SINGLE_ADDRESS = new RegExp(`^${PART}@${PART}\\.${PART}$`);

/**
 * Whether a text is one plain address (`local@domain.tld`, at most 254
 * characters): never two addresses, a display name, or a line break that a
 * provider could turn into another header (`a@x.com\r\nBcc: …`).
 */
export function isSingleAddress(text: string): boolean {
	return text.length <= 254 && SINGLE_ADDRESS.test(text);
}

export type Sender = { name: string; email: string };

/**
 * Who an e-mail is from: the shop's name (its identity, so a renamed shop
 * writes as itself) at EMAIL_FROM's address, whatever name EMAIL_FROM gives.
 */
export function senderOf(shopName: string, emailFrom: string): Sender {
	const email = /<([^<>]+)>\s*$/.exec(emailFrom)?.[1] ?? emailFrom;
	// A header's display name: no line breaks or control characters.
	return { name: shopName.replace(/\p{Cc}+/gu, " ").trim(), email: email.trim() };
}

/** `"Name" <address>`, the name quoted (quotes and backslashes escaped) as RFC 5322 asks. */
export function senderHeader({ name, email }: Sender): string {
	return name ? `"${name.replace(/["\\]/g, "\\$&")}" <${email}>` : email;
}
