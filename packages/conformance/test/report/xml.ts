/**
 * A small XML well-formedness check for the tests (Node has no XML parser):
 * one declaration, tags properly nested and closed, quoted attributes
 * without raw < or &, text without raw < and with known entities only.
 */
import { expect } from "vitest";

const NAME = "[A-Za-z_][A-Za-z0-9_.:-]*";
const ATTRS = `(?:\\s+${NAME}="[^"<&]*(?:&(?:amp|lt|gt|quot|apos|#\\d+);[^"<&]*)*")*`;
const TAG = new RegExp(`^<(/?)(${NAME})(${ATTRS})\\s*(/?)>`);

export function expectWellFormedXml(xml: string): void {
  expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
  let rest = xml.slice(xml.indexOf("\n") + 1);
  const stack: string[] = [];
  let roots = 0;
  while (rest.length > 0) {
    const lt = rest.indexOf("<");
    const text = lt < 0 ? rest : rest.slice(0, lt);
    expect(text.replace(/&(?:amp|lt|gt|quot|apos|#\d+);/g, "")).not.toMatch(/[<&]/);
    if (stack.length === 0) expect(text.trim()).toBe("");
    if (lt < 0) break;
    rest = rest.slice(lt);
    const m = TAG.exec(rest);
    if (!m) throw new Error(`not a well-formed tag at: ${rest.slice(0, 80)}`);
    const [whole, closing, name, , selfClosing] = m;
    if (closing) expect(stack.pop()).toBe(name);
    else if (!selfClosing) {
      if (stack.length === 0) roots++;
      stack.push(name!);
    } else if (stack.length === 0) roots++;
    rest = rest.slice(whole.length);
  }
  expect(stack).toEqual([]);
  expect(roots).toBe(1);
}
