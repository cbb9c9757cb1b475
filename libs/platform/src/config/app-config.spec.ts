import { loadConfig, ConfigError } from './app-config';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(3000);
    expect(config.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/coop');
    expect(config.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(config.MIGRATE_ON_BOOT).toBe(true);
    expect(config.WORKERS).toBe(true);
    expect(config.DATABASE_POOL_SIZE).toBe(10);
  });

  it('reads flags and numbers', () => {
    const config = loadConfig({ PORT: '8080', WORKERS: 'false', MIGRATE_ON_BOOT: '0', DATABASE_POOL_SIZE: '40' });
    expect(config.PORT).toBe(8080);
    expect(config.DATABASE_POOL_SIZE).toBe(40);
    expect(config.WORKERS).toBe(false);
    expect(config.MIGRATE_ON_BOOT).toBe(false);
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x@y/z' }, 'DATABASE_URL'],
    [{ REDIS_URL: 'not a url' }, 'REDIS_URL'],
    [{ DATABASE_POOL_SIZE: '1' }, 'DATABASE_POOL_SIZE'],
    [{ DATABASE_POOL_SIZE: 'many' }, 'DATABASE_POOL_SIZE'],
    [{ ADMIN_EMAIL: 'nobody' , ADMIN_PASSWORD: 'longenough'}, 'ADMIN_EMAIL'],
    [{ ADMIN_EMAIL: 'a@b.co', ADMIN_PASSWORD: 'short' }, 'ADMIN_PASSWORD'],
    [{ ADMIN_EMAIL: 'a@b.co' }, 'ADMIN_EMAIL and ADMIN_PASSWORD'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
  ])('refuses %j naming the variable', (env, name) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(name);
  });
});
