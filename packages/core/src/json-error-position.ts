/**
 * Finds the offset of the first JSON syntax error in `text`, for error messages. V8's own `JSON.parse` message
 * quotes the input around the error (a config file could hold a pasted token) and, before Node 22, gives no
 * position; this scanner only locates the error — parsing is still `JSON.parse`'s job. Iterative, linear time.
 */
export function jsonErrorPosition(text: string): number {
  let i = 0;
  const n = text.length;
  const stack: Array<"{" | "["> = [];
  const ws = () => {
    while (i < n && (text[i] === " " || text[i] === "\t" || text[i] === "\n" || text[i] === "\r")) i++;
  };
  const literal = (word: string) => {
    if (!text.startsWith(word, i)) return false;
    i += word.length;
    return true;
  };
  const string = (): boolean => {
    if (text[i] !== '"') return false;
    i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return true;
      }
      if (c < 0x20) return false;
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return false;
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else return false;
      } else i++;
    }
    return false;
  };
  const number = (): boolean => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!match) return false;
    i += match[0].length;
    return true;
  };
  // value → after-value loop, with an explicit stack instead of recursion (deep nesting cannot overflow).
  ws();
  for (;;) {
    // Expect a value.
    const c = text[i];
    if (c === "{" || c === "[") {
      stack.push(c);
      i++;
      ws();
      if (text[i] === (c === "{" ? "}" : "]")) {
        stack.pop();
        i++;
      } else if (c === "{") {
        if (!string()) return i;
        ws();
        if (text[i] !== ":") return i;
        i++;
        ws();
        continue;
      } else continue;
    } else if (!(string() || number() || literal("true") || literal("false") || literal("null"))) {
      return i;
    }
    // After a value: close containers or read a separator.
    for (;;) {
      ws();
      const top = stack[stack.length - 1];
      if (top === undefined) return Math.min(i, n);
      if (text[i] === (top === "{" ? "}" : "]")) {
        stack.pop();
        i++;
        continue;
      }
      if (text[i] !== ",") return i;
      i++;
      ws();
      if (top === "{") {
        if (!string()) return i;
        ws();
        if (text[i] !== ":") return i;
        i++;
        ws();
      }
      break;
    }
  }
}
