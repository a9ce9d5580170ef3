import { describe, expect, it } from 'vitest';
import {
  detectPii,
  personalByDefault,
  isEmail,
  isIban,
  isIp,
  isPhone,
  isStreet,
  nameTokens,
  piiFromValues,
  piiKindFromName
} from '../../src/lib/analysis/pii';

describe('nameTokens', () => {
  it('splits at separators and camelCase and folds umlauts', () => {
    expect(nameTokens('EMailAdresse')).toEqual(['e', 'mail', 'adresse']);
    expect(nameTokens('Straße / Hausnr.')).toEqual(['strasse', 'hausnr']);
    expect(nameTokens('firstName')).toEqual(['first', 'name']);
    expect(nameTokens('IPAddress')).toEqual(['ip', 'address']);
  });
});

describe('piiKindFromName', () => {
  it.each([
    ['E-Mail', 'email'],
    ['email', 'email'],
    ['Mail', 'email'],
    ['E-Mail-Adresse', 'email'],
    ['Telefon', 'phone'],
    ['Telefonnummer', 'phone'],
    ['phone_number', 'phone'],
    ['Mobil', 'phone'],
    ['Handynummer', 'phone'],
    ['Tel.', 'phone'],
    ['IBAN', 'iban'],
    ['Konto', 'iban'],
    ['Kontonummer', 'iban'],
    ['Name', 'name'],
    ['Vorname', 'name'],
    ['Nachname', 'name'],
    ['first_name', 'name'],
    ['last_name', 'name'],
    ['Full Name', 'name'],
    ['Kundenname', 'name'],
    ['Straße', 'street'],
    ['Strasse', 'street'],
    ['street', 'street'],
    ['Adresse', 'street'],
    ['address', 'street'],
    ['Anschrift', 'street'],
    ['Geburtsdatum', 'birthdate'],
    ['birthdate', 'birthdate'],
    ['date_of_birth', 'birthdate'],
    ['DOB', 'birthdate'],
    ['Birthday', 'birthdate'],
    ['IP', 'ip'],
    ['ip_address', 'ip'],
    ['IP-Adresse', 'ip'],
    ['PLZ', 'postcode'],
    ['Postleitzahl', 'postcode'],
    ['postcode', 'postcode'],
    ['zip', 'postcode'],
    ['ZIP Code', 'postcode']
  ])('flags %s as %s', (name, kind) => {
    expect(piiKindFromName(name)).toBe(kind);
  });

  it.each([
    'Produktname',
    'product_name',
    'Firmenname',
    'company name',
    'Firma',
    'Dateiname',
    'Umsatz',
    'Kunde',
    'Kontostand',
    'Mobilität',
    'Hotel',
    'VIP',
    'Bestelldatum',
    'Webadresse',
    'Kategorie'
  ])('does not flag %s', (name) => {
    expect(piiKindFromName(name)).toBeUndefined();
  });
});

describe('value patterns', () => {
  it('recognises e-mail addresses', () => {
    expect(isEmail('anna.schmidt@example.de')).toBe(true);
    expect(isEmail('a@b')).toBe(false);
    expect(isEmail('kein Text @ hier.de')).toBe(false);
  });

  it('recognises German and international phone numbers but not dates, postcodes or IDs', () => {
    for (const p of ['+49 30 1234567', '0171-1234567', '030/1234567', '(030) 123456', '+49 (0) 171 1234567', '0049 89 123456', '01711234567'])
      expect(isPhone(p), p).toBe(true);
    for (const p of ['01.12.2025', '10115', '0001234567', '1234567', '0.1234567', '+49'])
      expect(isPhone(p), p).toBe(false);
  });

  it('accepts an IBAN only with a valid mod-97 checksum', () => {
    expect(isIban('DE89 3704 0044 0532 0130 00')).toBe(true);
    expect(isIban('DE89370400440532013000')).toBe(true);
    expect(isIban('GB82 WEST 1234 5698 7654 32')).toBe(true);
    expect(isIban('DE88 3704 0044 0532 0130 00')).toBe(false);
    expect(isIban('DE89 3704')).toBe(false);
  });

  it('recognises IPv4 and IPv6 addresses', () => {
    for (const ip of ['192.168.0.1', '8.8.8.8', '2001:db8::1', '::1', 'fe80::1ff:fe23:4567:890a', '2001:0db8:85a3:0000:0000:8a2e:0370:7334', '::ffff:192.0.2.128'])
      expect(isIp(ip), ip).toBe(true);
    for (const ip of ['256.1.1.1', '1.2.3', '10:30:00', 'abc', '1::2::3'])
      expect(isIp(ip), ip).toBe(false);
  });

  it('recognises German and English street addresses', () => {
    for (const s of ['Hauptstraße 12', 'Hauptstr. 12a', 'Berliner Allee 5-7', 'Am Ring 3', 'Lindenweg 4, 10115 Berlin', 'Main St 5', '221B Baker Street', '12 Oak Avenue'])
      expect(isStreet(s), s).toBe(true);
    for (const s of ['Hauptstraße', 'Berlin', 'Produkt 12', '12 Äpfel'])
      expect(isStreet(s), s).toBe(false);
  });
});

describe('piiFromValues', () => {
  it('counts matches among non-empty values', () => {
    const values = [...Array.from({ length: 48 }, (_, i) => `kunde${i}@example.com`), 'unbekannt', '-', '', null, '  '];
    expect(piiFromValues(values)).toEqual({
      kind: 'email',
      evidence: '48 of 50 sampled values look like e-mail addresses',
      matched: 48,
      sampled: 50,
      example: 'k•••@•••.com'
    });
  });

  it('needs a clear majority', () => {
    const values = [...Array.from({ length: 5 }, (_, i) => `k${i}@example.com`), ...Array.from({ length: 5 }, (_, i) => `Text ${i}`)];
    expect(piiFromValues(values)).toBeUndefined();
  });

  it('needs at least three values', () => {
    expect(piiFromValues(['a@example.com', 'b@example.com'])).toBeUndefined();
  });

  it('flags IBANs with a valid checksum only', () => {
    expect(piiFromValues(['DE89 3704 0044 0532 0130 00', 'DE89370400440532013000', 'GB82WEST12345698765432'])).toEqual({
      kind: 'iban',
      evidence: '3 of 3 sampled values look like IBANs with a valid checksum',
      matched: 3,
      sampled: 3,
      example: 'DE•••00'
    });
    expect(piiFromValues(['DE00 3704 0044 0532 0130 00', 'DE01370400440532013000', 'GB00WEST12345698765432'])).toBeUndefined();
  });

  it('flags phone numbers, IP addresses and streets', () => {
    expect(piiFromValues(['+49 30 1234567', '0171-1234567', '030/987654'])?.kind).toBe('phone');
    expect(piiFromValues(['10.0.0.1', '192.168.1.20', '2001:db8::1'])?.kind).toBe('ip');
    expect(piiFromValues(['Hauptstraße 12', 'Main St 5', 'Gartenweg 3b'])?.kind).toBe('street');
  });

  it('does not flag amounts, dates or plain words', () => {
    expect(piiFromValues(['1.234,56', '99,90', '12,00', '0,50'])).toBeUndefined();
    expect(piiFromValues(['31.12.2025', '01.01.2024', '15.06.2023'])).toBeUndefined();
    expect(piiFromValues(['Kaffee', 'Tee', 'Milch'])).toBeUndefined();
  });
});

describe('detectPii', () => {
  it('gives the column name as evidence', () => {
    expect(detectPii('E-Mail')).toEqual({ kind: 'email', evidence: 'column name "E-Mail"' });
  });

  it('names both the column and the values when they agree', () => {
    expect(detectPii('Telefon', ['+49 30 1234567', '0171-1234567', '030/987654'])).toEqual({
      kind: 'phone',
      evidence: 'column name "Telefon" and 3 of 3 sampled values look like phone numbers',
      matched: 3,
      sampled: 3,
      example: '+49•••67'
    });
  });

  it('lets clear value evidence win over the name', () => {
    expect(detectPii('Kontakt', ['a@example.com', 'b@example.com', 'c@example.com'])).toEqual({
      kind: 'email',
      evidence: '3 of 3 sampled values look like e-mail addresses',
      matched: 3,
      sampled: 3,
      example: 'a•••@•••.com'
    });
    expect(detectPii('Bemerkung', ['a@example.com', 'b@example.com', 'c@example.com'])?.kind).toBe('email');
  });

  it('marks postcode and birthdate as quasi-identifiers', () => {
    expect(detectPii('PLZ')).toEqual({ kind: 'postcode', evidence: 'column name "PLZ"', quasi: true });
    expect(detectPii('Geburtsdatum')).toEqual({ kind: 'birthdate', evidence: 'column name "Geburtsdatum"', quasi: true });
  });

  it('counts every detected kind as personal by default except the postcode', () => {
    expect(personalByDefault(detectPii('PLZ'))).toBe(false);
    expect(personalByDefault(detectPii('Geburtsdatum'))).toBe(true);
    expect(personalByDefault(detectPii('E-Mail'))).toBe(true);
    expect(personalByDefault(detectPii('Umsatz'))).toBe(false);
  });

  it('gives a masked example of the sampled values when only the name says personal', () => {
    expect(detectPii('Vorname', ['Jürgen', 'Anna', 'Petra'])).toEqual({ kind: 'name', evidence: 'column name "Vorname"', sampled: 3, example: 'J•••' });
  });

  it('returns undefined for a product name with product values', () => {
    expect(detectPii('Produktname', ['Kaffee 500 g', 'Tee', 'Milch 1 l'])).toBeUndefined();
  });
});
