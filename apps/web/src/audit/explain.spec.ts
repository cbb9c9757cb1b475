import { explain, ordinal } from './explain';
import { Candidate, Evaluation } from './leaf-types';

const candidate = (driverId: string, etaSeconds: number, score: number, idle = 0): Candidate => ({
  driverId,
  features: { distanceM: etaSeconds * 10, etaSeconds, idleSeconds: 0, fixAgeSeconds: 1, earningsPerHourMinor: null, excessSeats: 0, accessibleUnneeded: false },
  terms: { pickupEta: 10_000 - etaSeconds, idle },
  score,
});

const evaluation = (candidates: Candidate[], exclusions: Evaluation['exclusions'] = []): Evaluation => ({
  request: { requestId: 'm-trip', kind: 'ride' },
  search: { pickupCell: '872b8', h3Resolution: 7, ringsSearched: 1 },
  candidates,
  exclusions,
});

describe('a decision in plain words', () => {
  const ranked = evaluation([candidate('m-a', 60, 900), candidate('m-b', 90, 800), candidate('m-c', 120, 700)], [{ driverId: 'm-d', reason: 'stale_fix' }]);

  it('tells a runner-up why others were ahead', () => {
    expect(explain(ranked, 'm-a', 'm-c')).toBe('You were 3rd of 3: 2 drivers had a shorter pickup ETA.');
    expect(explain(ranked, 'm-a', 'm-a')).toBe('You got the offer: you were 1st of 3 with a score of 900.');
  });

  it('names the term that put others ahead when it was not the ETA', () => {
    const idleWins = evaluation([candidate('m-a', 90, 900, 9000), candidate('m-b', 60, 800, 0)]);
    expect(explain(idleWins, 'm-a', 'm-b')).toBe('You were 2nd of 2: 1 driver scored higher; 1 of them had more points for time waiting for work.');
  });

  it('gives an excluded driver the reason, and an outsider the outcome', () => {
    expect(explain(ranked, 'm-a', 'm-d')).toBe('You were not scored: you had not sent a location recently enough.');
    expect(explain(ranked, 'm-a')).toBe('The offer went to m-a, the best of 3 candidates; 1 driver was left out.');
    expect(explain(evaluation([]), null)).toBe('Nobody got an offer: no eligible driver was found; 0 drivers were left out.');
  });

  describe('in a batch, where requests are assigned together', () => {
    // Request m-trip ranks m-a, m-b, m-c; the batch gave m-a the other request m-other.
    const batch = [
      { requestId: 'm-other', driverId: 'm-a' },
      { requestId: 'm-trip', driverId: 'm-b' },
    ];

    it('tells the driver who got the offer from 2nd place that the 1st got another request', () => {
      expect(explain(ranked, 'm-b', 'm-b', batch)).toBe('You got the offer: you were 2nd of 3 with a score of 800; 1 driver ranked above you got other requests of the same batch.');
    });

    it('tells a driver ranked higher that the batch gave them another request, naming it', () => {
      expect(explain(ranked, 'm-b', 'm-a', batch)).toBe(
        'You were 1st of 3 for this request, but the batch gave you request m-other instead (a batch assigns all its waiting requests together: the most requests served, then the best total score).',
      );
    });

    it('tells a runner-up why others were ahead, as in immediate mode, and an excluded driver the reason', () => {
      expect(explain(ranked, 'm-b', 'm-c', batch)).toBe('You were 3rd of 3: 2 drivers had a shorter pickup ETA.');
      expect(explain(ranked, 'm-b', 'm-d', batch)).toBe('You were not scored: you had not sent a location recently enough.');
    });

    it('does not call the chosen driver the best when the batch passed over better-ranked ones', () => {
      expect(explain(ranked, 'm-b', undefined, batch)).toBe(
        'The offer went to m-b, ranked 2nd of 3 (a batch assigns all its waiting requests together: the most requests served, then the best total score); 1 driver was left out.',
      );
      const allTaken = evaluation([candidate('m-a', 60, 900)]);
      expect(explain(allTaken, null, undefined, [{ requestId: 'm-other', driverId: 'm-a' }, { requestId: 'm-trip', driverId: null }])).toBe(
        'Nobody got an offer: every candidate got another request of the same batch; 0 drivers were left out.',
      );
    });
  });

  it('writes English ordinals', () => {
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111].map(ordinal)).toEqual(['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd', '101st', '111th']);
  });
});
