/**
 * The key a per-client limit counts under: an IPv4 address as is, an IPv6
 * address by its /64 network (one subscriber usually holds a whole /64, so
 * keying by the full address would give each of them 2^64 budgets).
 */
export function clientKey(ip: string | undefined): string {
	if (!ip) return "unknown-client";
	if (!ip.includes(":")) return ip;
	const groups = expandIpv6(ip.split("%")[0] ?? ip);
	return groups ? `${groups.slice(0, 4).join(":")}::/64` : ip;
}

/** The eight 16-bit groups of an IPv6 address, lowercase without leading zeros; null when malformed. */
function expandIpv6(ip: string): string[] | null {
	let text = ip.toLowerCase();
	// An embedded IPv4 tail (::ffff:192.0.2.1) becomes two groups.
	const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
	if (v4) {
		const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
		text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
	}
	const halves = text.split("::");
	if (halves.length > 2) return null;
	const head = halves[0] ? halves[0].split(":") : [];
	const tail = halves.length === 2 && halves[1] ? halves[1].split(":") : [];
	const missing = 8 - head.length - tail.length;
	if ((halves.length === 1 && missing !== 0) || missing < 0) return null;
	const groups = [...head, ...Array(halves.length === 2 ? missing : 0).fill("0"), ...tail];
	if (groups.length !== 8 || groups.some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return null;
	return groups.map((g) => Number.parseInt(g, 16).toString(16));
}

/**
 * What an order keeps of its client while it is open: SHA-256 of the client's
 * key, 128 bits in hex, never the address itself.
 */
export async function clientFingerprint(ip: string | undefined): Promise<string> {
	const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(clientKey(ip)));
	return [...new Uint8Array(digest).slice(0, 16)]
		.map((b) => b.toString(16).padStart(2, "0"))
		.join("");
}
