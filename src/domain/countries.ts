/**
 * ISO 3166-1 alpha-2 country codes: what a lead's `country` and a business calendar's
 * `countries:` are written in. Pure; workflows may import it.
 */

/** The 249 officially assigned ISO 3166-1 alpha-2 codes. */
export const COUNTRY_CODES: ReadonlySet<string> = new Set(
  (
    'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ ' +
    'CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR ' +
    'GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP ' +
    'KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT ' +
    'MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW ' +
    'SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG ' +
    'UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW'
  ).split(' '),
);

/** Codes people write that ISO assigns differently: "UK" is GB, the EU's "EL" is GR. */
const COMMON_MISTAKES: Readonly<Record<string, string>> = { UK: 'GB', EL: 'GR' };

/** True for an assigned ISO 3166-1 alpha-2 code in upper case (`"DE"`, not `"de"` or `"UK"`). */
export function isCountryCode(code: string): boolean {
  return COUNTRY_CODES.has(code);
}

/** The ISO code meant by a common non-ISO spelling (`"UK"` → `"GB"`), if there is one. */
export function intendedCountryCode(code: string): string | undefined {
  return COMMON_MISTAKES[code.toUpperCase()];
}

/**
 * A region code as tax rates and quotes use it: an ISO 3166 country, optionally "-" and a
 * subdivision of 1–3 letters or digits ("GB", "US-NY", "DE-BY"), in upper case.
 */
export const REGION_CODE_PATTERN = /^([A-Z]{2})(?:-([A-Z0-9]{1,3}))?$/;

/** True for a region code whose country is an assigned ISO code: "US-NY", "GB"; not "UK", "us-ny" or "USA". */
export function isRegionCode(code: string): boolean {
  const match = REGION_CODE_PATTERN.exec(code);
  return match !== null && isCountryCode(match[1]!);
}
