/**
 * The text a reader of a PDF sees, page by page, as Mozilla's PDF.js extracts it (what a viewer
 * selects and searches). Unlike drawnText (./support.ts), it reads embedded fonts through their
 * ToUnicode maps, so it works for the Chinese quote, whose text is glyph ids of a font subset.
 */
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

/** Each page's text runs, in drawing order, without the empty ones. */
export async function readerText(pdf: Uint8Array): Promise<string[][]> {
  // PDF.js takes ownership of (detaches) the buffer it is given, and refuses a Buffer: hand it a copy.
  const document = await getDocument({ data: new Uint8Array(pdf), verbosity: 0, isEvalSupported: false }).promise;
  try {
    const pages: string[][] = [];
    for (let number = 1; number <= document.numPages; number++) {
      const content = await (await document.getPage(number)).getTextContent();
      pages.push(content.items.flatMap((item) => ('str' in item && item.str.trim() ? [item.str] : [])));
    }
    return pages;
  } finally {
    await document.destroy();
  }
}
