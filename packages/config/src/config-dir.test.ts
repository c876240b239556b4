import { join } from 'node:path';
import { defaultCacheDir, defaultConfigDir } from './config-dir';

describe('defaultConfigDir', () => {
  it('prefers LOCALAGENT_CONFIG_DIR, then XDG_CONFIG_HOME on Linux, then the platform directory', () => {
    expect(defaultConfigDir({ LOCALAGENT_CONFIG_DIR: '/x' })).toBe('/x');
    expect(defaultConfigDir({ XDG_CONFIG_HOME: '/xdg' }, 'linux')).toBe(join('/xdg', 'localagent'));
    expect(defaultConfigDir({}, 'linux')).toMatch(/\.config[/\\]localagent$/);
    expect(defaultConfigDir({}, 'darwin')).toMatch(/localagent/);
  });
});

describe('defaultCacheDir', () => {
  it('keeps the cache inside an explicit config dir, else uses XDG_CACHE_HOME on Linux', () => {
    expect(defaultCacheDir({}, '/a')).toBe(join('/a', 'cache'));
    expect(defaultCacheDir({ LOCALAGENT_CONFIG_DIR: '/b' })).toBe(join('/b', 'cache'));
    expect(defaultCacheDir({ XDG_CACHE_HOME: '/c' }, undefined, 'linux')).toBe(
      join('/c', 'localagent'),
    );
    expect(defaultCacheDir({}, '', 'linux')).toMatch(/\.cache[/\\]localagent$/);
    expect(defaultCacheDir({}, undefined, 'darwin')).toMatch(/localagent/);
  });
});
