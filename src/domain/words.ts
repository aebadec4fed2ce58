/** A rule or event name as English words: `pricing-page-visit` → "Pricing page visit". */
export function humanise(name: string): string {
  const words = name.replace(/[-_.]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
