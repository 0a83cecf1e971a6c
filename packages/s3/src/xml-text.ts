import { decodeXML } from "entities";
import { parse, type TNode } from "txml/txml";

export type { TNode };

/**
 * The root element named `name` of an XML document, parsed by txml with whitespace kept (an S3 key
 * may begin or end with a space); `undefined` when the document has none.
 */
export function xmlRoot(xml: string, name: string): TNode | undefined {
  return parse(xml, { keepWhitespace: true }).find((node): node is TNode => typeof node === "object" && node.tagName === name);
}

/** An element's text with XML entities decoded (`entities`), where an `&` shows one: txml keeps them. */
export function textOf(node: TNode): string {
  const text = node.children.filter((child): child is string => typeof child === "string").join("");
  return text.includes("&") ? decodeXML(text) : text;
}

/** The text of `node`'s first child element named `name`, or `undefined`. */
export function childText(node: TNode, name: string): string | undefined {
  const child = node.children.find((entry): entry is TNode => typeof entry === "object" && entry.tagName === name);
  return child === undefined ? undefined : textOf(child);
}
