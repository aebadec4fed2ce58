/**
 * Country names as attendee lists write them ("Germany", "United Kingdom", "德国") to the ISO 3166
 * codes leadflow stores. Event platforms export the country's name, not its code; the names and
 * their common variants come from i18n-iso-countries (English and Simplified Chinese registered).
 */
import countries from 'i18n-iso-countries';
import en from 'i18n-iso-countries/langs/en.json' with { type: 'json' };
import zh from 'i18n-iso-countries/langs/zh.json' with { type: 'json' };

countries.registerLocale(en);
countries.registerLocale(zh);

/**
 * The ISO code for a cell: a two-letter code is left as written (the lead schema checks it), a
 * country name in English or Chinese becomes its code, anything else is left for the schema to
 * refuse with its message.
 */
export function countryCodeOfCell(cell: string | undefined): string | undefined {
  if (cell === undefined) return undefined;
  const value = cell.trim();
  if (/^[A-Za-z]{2}$/.test(value)) return value;
  return countryCodeOfName(value) ?? value;
}

/** The ISO code of a country named in English or Chinese ("Germany", "德国", "United Kingdom"). */
export function countryCodeOfName(name: string): string | undefined {
  const value = name.trim();
  return countries.getAlpha2Code(value, 'en') ?? countries.getAlpha2Code(value, 'zh');
}
