/** Test-only credentials: never real, shared by the test config and the tests. */
export const TEST_STRIPE_SECRET_KEY = "sk_test_emulator";
export const TEST_WEBHOOK_SECRET = "whsec_test_secret";
export const TEST_ADMIN_TOKEN = "test-admin-token-0123456789";
/** SESSION_SECRET of the worker tests: customer accounts are on (SPEC 14). */
export const TEST_SESSION_SECRET = "test-session-secret-0123456789-abcdefghij";

/** A shopper's French address, for the shipping step of Stripe's page (and its 20 % tax at the emulator). */
export const PARIS = {
	name: "Camille Martin",
	line1: "12 Rue de Rivoli",
	city: "Paris",
	postalCode: "75004",
	country: "FR",
	phone: "+33612345678",
} as const;
