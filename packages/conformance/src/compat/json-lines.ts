/**
 * Line numbers of the values of a JSON text, by JSON pointer, so that a
 * finding in gatt.json or a schema can point at its line (GitHub annotations
 * need one). A small scanner: the text is already known to be valid JSON.
 */
export type JsonLines = Map<string, number>;

export function escapePointerToken(token: string): string {
  return token.replace(/~/g, "~0").replace(/\//g, "~1");
}

export function jsonLines(text: string): JsonLines {
  const lines: JsonLines = new Map();
  let i = 0;
  let line = 1;
  const skip = () => {
    while (i < text.length && /\s/.test(text[i]!)) {
      if (text[i] === "\n") line++;
      i++;
    }
  };
  const readString = (): string => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (pointer: string, keyLine: number) => {
    skip();
    lines.set(pointer, keyLine);
    const c = text[i];
    if (c === "{") {
      i++;
      skip();
      while (text[i] !== "}" && i < text.length) {
        skip();
        const at = line;
        const key = readString();
        skip();
        i++; // the colon
        value(`${pointer}/${escapePointerToken(key)}`, at);
        skip();
        if (text[i] === ",") i++;
        skip();
      }
      i++;
    } else if (c === "[") {
      i++;
      skip();
      for (let n = 0; text[i] !== "]" && i < text.length; n++) {
        skip();
        value(`${pointer}/${n}`, line);
        skip();
        if (text[i] === ",") i++;
        skip();
      }
      i++;
    } else if (c === '"') {
      readString();
    } else {
      while (i < text.length && !/[\s,\]}]/.test(text[i]!)) i++;
    }
  };
  value("", 1);
  return lines;
}

/** The line of `pointer`, or of its nearest ancestor that has one. */
export function lineOf(lines: JsonLines | undefined, pointer: string): number | undefined {
  if (!lines) return undefined;
  for (let p = pointer; ; p = p.slice(0, p.lastIndexOf("/"))) {
    const line = lines.get(p);
    if (line !== undefined) return line;
    if (p === "") return undefined;
  }
}
