import fc from 'fast-check';
import { hashLeaf, hashLeafText } from './hashing';

describe('hashLeafText', () => {
  it('is hashLeaf of the UTF-8 bytes of the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(Buffer.from(hashLeafText(text)).toString('hex')).toBe(Buffer.from(hashLeaf(Buffer.from(text, 'utf8'))).toString('hex'));
      }),
      { numRuns: 500 },
    );
  });

  it('matches the RFC 6962 leaf hash of the empty leaf', () => {
    // SHA-256(0x00), the first test vector of the RFC 6962 reference tree.
    expect(Buffer.from(hashLeafText('')).toString('hex')).toBe('6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d');
  });
});
