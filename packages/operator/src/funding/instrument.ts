/** Validation and masking; the full number never leaves this module except encrypted. */
export type InstrumentKind = 'card' | 'iban';

export function normalise(kind: InstrumentKind, value: string): string | undefined {
  const compact = value.replace(/[\s-]/g, '').toUpperCase();
  if (kind === 'card') return /^\d{12,19}$/.test(compact) && luhn(compact) ? compact : undefined;
  return /^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(compact) && ibanValid(compact) ? compact : undefined;
}

/** A card as first 6 + last 4 (PCI DSS display rule); an IBAN as country, check digits and last 4. */
export function mask(kind: InstrumentKind, value: string): string {
  if (kind === 'card') return `${value.slice(0, 6)}${'*'.repeat(value.length - 10)}${value.slice(-4)}`;
  return `${value.slice(0, 4)}${'*'.repeat(value.length - 8)}${value.slice(-4)}`;
}

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

function ibanValid(iban: string): boolean {
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let rest = 0;
  for (const c of rearranged) {
    const n = c >= 'A' ? c.charCodeAt(0) - 55 : Number(c);
    rest = Number(`${rest}${n}`) % 97;
  }
  return rest === 1;
}
