import { helperEnvironment } from './helper-env';

describe('helperEnvironment', () => {
  it('keeps what the drivers need to reach the keyring: PATH, HOME, user, D-Bus, XDG, locale, temp dir', () => {
    const env = {
      PATH: '/usr/bin',
      HOME: '/home/ada',
      USER: 'ada',
      LOGNAME: 'ada',
      DBUS_SESSION_BUS_ADDRESS: 'unix:path=/run/user/1000/bus',
      DBUS_STARTER_BUS_TYPE: 'session',
      XDG_RUNTIME_DIR: '/run/user/1000',
      XDG_DATA_HOME: '/home/ada/.local/share',
      LANG: 'de_DE.UTF-8',
      LANGUAGE: 'de',
      LC_ALL: 'de_DE.UTF-8',
      LC_MESSAGES: 'C',
      TMPDIR: '/tmp',
    };
    expect(helperEnvironment(env)).toEqual(env);
  });

  it('keeps the Windows locations whatever their case (Windows names are case-insensitive)', () => {
    const env = {
      Path: 'C:\\Windows\\system32',
      SystemRoot: 'C:\\Windows',
      SystemDrive: 'C:',
      windir: 'C:\\Windows',
      APPDATA: 'C:\\Users\\ada\\AppData\\Roaming',
      LOCALAPPDATA: 'C:\\Users\\ada\\AppData\\Local',
      USERPROFILE: 'C:\\Users\\ada',
      USERNAME: 'ada',
      TEMP: 'C:\\Temp',
      TMP: 'C:\\Temp',
    };
    expect(helperEnvironment(env)).toEqual(env);
  });

  it('drops LocalAgent settings, keys, tokens, secrets and passwords, also under a kept prefix', () => {
    const kept = helperEnvironment({
      PATH: '/usr/bin',
      LOCALAGENT_MASTER_PASSWORD: 'correct horse battery staple',
      LOCALAGENT_CONFIG_DIR: '/home/ada/.config/localagent',
      localagent_master_password: 'lower case too',
      OPENAI_API_KEY: 'sk-test',
      ANTHROPIC_API_KEY: 'sk-ant-test',
      GITHUB_TOKEN: 'ghp_test',
      AWS_SECRET_ACCESS_KEY: 'aws',
      PGPASSWORD: 'pg',
      XDG_SESSION_TOKEN: 'xdg',
      DBUS_SECRET: 'dbus',
      LC_PASSWORD: 'lc',
    });
    expect(kept).toEqual({ PATH: '/usr/bin' });
  });

  it('drops everything else: only the allow-list passes', () => {
    const kept = helperEnvironment({
      HOME: '/home/ada',
      NODE_OPTIONS: '--require /tmp/evil.js',
      LD_PRELOAD: '/tmp/evil.so',
      SHELL: '/bin/bash',
      SSH_AUTH_SOCK: '/tmp/agent',
      EDITOR: 'vi',
      UNSET: undefined,
    });
    expect(kept).toEqual({ HOME: '/home/ada' });
  });
});
