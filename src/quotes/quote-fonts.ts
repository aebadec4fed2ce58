/**
 * The fonts a quote PDF is drawn in. English keeps pdf-lib's standard Helvetica (nothing is
 * embedded); Simplified Chinese needs a font that has the characters, so it embeds Noto Sans SC
 * (SIL OFL 1.1; the TrueType files of @expo-google-fonts/noto-sans-sc) through @pdf-lib/fontkit,
 * pdf-lib's own font engine, as a subset holding only the glyphs the quote uses: tens of KB per
 * weight instead of 10 MB.
 *
 * Why TrueType and not the .otf (CFF) Noto Sans Hans of @embedpdf/fonts-sc: fontkit's CFF
 * subsetter writes CID-keyed fonts whose subroutines are lost, so glyphs come out blank.
 *
 * Why the wrapper below: fontkit 1.1.1 writes a TrueType subset with the short `loca` format,
 * which can only point at even offsets, while Noto's glyphs have odd lengths, so every glyph
 * after an odd one is garbage. The fix upstream fontkit made (foliojs/fontkit#191) keeps the
 * original font's `loca` format; the wrapper does the same on each subset, so the file renders
 * (test/quotes/quote-pdf-zh.test.ts checks every embedded glyph's outline).
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import fontkit from '@pdf-lib/fontkit';
import type { PDFDocument } from 'pdf-lib';

type Fontkit = Parameters<PDFDocument['registerFontkit']>[0];
type Font = ReturnType<Fontkit['create']>;
type Subset = ReturnType<Font['createSubset']>;

const require = createRequire(import.meta.url);

const FILES = {
  regular: '@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf',
  bold: '@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf',
} as const;

export type CjkWeight = keyof typeof FILES;

const loaded = new Map<CjkWeight, Promise<Uint8Array>>();

/** The bytes of a Noto Sans SC weight, read once per process (10 MB each). */
export function cjkFontBytes(weight: CjkWeight): Promise<Uint8Array> {
  let bytes = loaded.get(weight);
  if (!bytes) {
    bytes = readFile(require.resolve(FILES[weight])).then((buffer) => new Uint8Array(buffer));
    bytes.catch(() => loaded.delete(weight));
    loaded.set(weight, bytes);
  }
  return bytes;
}

/** Subsets that keep the font's own `loca` format (see the file comment). */
function withOriginalLocaFormat(font: Font, subset: Subset): Subset {
  const version = (font as unknown as { loca: { version: number } }).loca.version;
  let loca: unknown;
  Object.defineProperty(subset, 'loca', {
    get: () => loca,
    // TTFSubset.encode assigns `{ offsets: [] }`; with a version set, loca.preEncode keeps it.
    set: (value: object) => {
      loca = Object.assign(value, { version });
    },
    configurable: true,
  });
  return subset;
}

/**
 * fontkit for pdf-lib's registerFontkit, parsing each font file once per process (parsing the
 * 10 MB Noto files costs more than drawing a quote) and fixing its TrueType subsets.
 */
const parsed = new WeakMap<Uint8Array, Font>();
export const quoteFontkit: Fontkit = {
  create(buffer, postscriptName) {
    const known = postscriptName === undefined ? parsed.get(buffer) : undefined;
    if (known) return known;
    const font = fontkit.create(buffer, postscriptName);
    const createSubset = font.createSubset.bind(font);
    font.createSubset = () => withOriginalLocaFormat(font, createSubset());
    if (postscriptName === undefined) parsed.set(buffer, font);
    return font;
  },
};
