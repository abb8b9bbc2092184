/** Test-only credentials: never real, shared by the test config and the tests. */
export const TEST_STRIPE_SECRET_KEY = "sk_test_emulator";
export const TEST_WEBHOOK_SECRET = "whsec_test_secret";
export const TEST_ADMIN_TOKEN = "test-admin-token-0123456789";
