/** The stowage conformance suite. */
export {};
