/** The npm `punycode` package by its file path (a bare `punycode` resolves to Node's deprecated built-in). */
declare module "punycode/punycode.js" {
  const punycode: {
    /** Punycode (RFC 3492) of a string of code points: ASCII only. */
    encode(input: string): string;
    /** The string of code points that {@link encode} turned into `input`; throws on a malformed one. */
    decode(input: string): string;
  };
  export default punycode;
}
