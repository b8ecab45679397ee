// Strict decoders: a value that is not exactly what Kubernetes stores is reported, never repaired. Neither
// decoder's error ever quotes its input.

// ignoreBOM keeps a leading U+FEFF: values are returned byte-for-byte, as a mounted file holds them.
const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

// Standard alphabet, padded, as the API server writes `data` (Go's base64.StdEncoding).
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Decodes UTF-8 text, or returns `undefined` when the bytes are not valid UTF-8. */
export function decodeUtf8Strict(bytes: Uint8Array): string | undefined {
  try {
    return UTF8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Decodes padded standard base64, or returns `undefined` for anything else (whitespace, URL alphabet, bad length). */
export function decodeBase64Strict(text: string): Buffer | undefined {
  if (!BASE64.test(text)) return undefined;
  return Buffer.from(text, "base64");
}
