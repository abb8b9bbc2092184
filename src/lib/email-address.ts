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
