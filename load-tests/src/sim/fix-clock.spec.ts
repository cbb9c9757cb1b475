import { FixClock } from './fix-clock';

describe('FixClock', () => {
  beforeEach(() => {
    jest.useFakeTimers();
    jest.setSystemTime(1_000_000);
  });
  afterEach(() => jest.useRealTimers());

  it('calls each member once per interval at its phase, with the slot time as the intended time', () => {
    const clock = new FixClock(1_000, 5);
    const fired: Array<[string, number]> = [];
    const stopA = clock.add(100, (at) => fired.push(['a', at]));
    const stopB = clock.add(502, (at) => fired.push(['b', at])); // rounded up to the 505 ms slot
    jest.advanceTimersByTime(2_600);
    expect(fired).toEqual([
      ['a', 1_000_100],
      ['b', 1_000_505],
      ['a', 1_001_100],
      ['b', 1_001_505],
      ['a', 1_002_100],
      ['b', 1_002_505],
    ]);
    stopA();
    stopB();
    expect(clock.size).toBe(0);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('stops calling a member once it is stopped, and keeps the others going', () => {
    const clock = new FixClock(1_000, 5);
    let a = 0;
    let b = 0;
    const stopA = clock.add(0, () => a++);
    const stopB = clock.add(0, () => b++);
    jest.advanceTimersByTime(1_500);
    stopA();
    stopA(); // twice is harmless
    jest.advanceTimersByTime(2_000);
    expect([a, b]).toEqual([2, 4]);
    stopB();
  });

  it('after a stall, calls every missed turn late with its own intended time (nothing hidden)', () => {
    let now = 1_000_000;
    const clock = new FixClock(100, 10, () => now);
    const fired: number[] = [];
    const stop = clock.add(20, (at) => fired.push(at));
    now += 350; // the generator was busy: three turns came due
    clock.tick();
    expect(fired).toEqual([1_000_020, 1_000_120, 1_000_220, 1_000_320]);
    stop();
  });

  it('refuses an interval that is not a whole number of slots', () => {
    expect(() => new FixClock(1_003, 5)).toThrow(/whole number/);
  });
});
