import { sessionOptions } from './data-source';

describe('sessionOptions', () => {
  it('turns JIT off for every connection and leaves a URL without options as it is', () => {
    const url = 'postgres://postgres@127.0.0.1:5432/coop?sslmode=disable';
    expect(sessionOptions(url)).toEqual({ url, options: '-c jit=off' });
  });

  it("moves the URL's own options after it, so they still apply (and win where they name the same setting)", () => {
    const url = `postgres://postgres@127.0.0.1:5432/coop?options=${encodeURIComponent('-c synchronous_commit=off -c jit=on')}&sslmode=disable`;
    expect(sessionOptions(url)).toEqual({
      url: 'postgres://postgres@127.0.0.1:5432/coop?sslmode=disable',
      options: '-c jit=off -c synchronous_commit=off -c jit=on',
    });
  });
});
