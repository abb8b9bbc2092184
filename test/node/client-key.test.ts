import { describe, expect, it } from "vitest";
import { clientKey } from "../../src/lib/client-key.ts";

describe("the rate limit's client key", () => {
	it.each([
		["203.0.113.9", "203.0.113.9"],
		["2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"],
		["2001:DB8:0001:0002::ff", "2001:db8:1:2::/64"],
		["2001:db8::1", "2001:db8:0:0::/64"],
		["::ffff:192.0.2.1", "0:0:0:0::/64"],
		["fe80::1%eth0", "fe80:0:0:0::/64"],
		[undefined, "unknown-client"],
		["not:an::ip::", "not:an::ip::"],
	])("%s → %s", (ip, key) => {
		expect(clientKey(ip)).toBe(key);
	});
});
