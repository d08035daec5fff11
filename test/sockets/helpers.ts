// The socket tests' helpers live in test/support/sockets.ts, shared with the reliability
// tests; this path stays so test files (on other branches too) import them as before.
export * from '../support/sockets';
