// Tests run outside Next.js, where the "server-only" guard has nothing to guard.
export {};
