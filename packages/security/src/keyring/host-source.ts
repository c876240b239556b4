/**
 * The program of the keyring helper process, run with `node -e HOST_SOURCE <driver> <modulePath>`.
 *
 * Why a separate process: @napi-rs/keyring's calls (and even its Entry constructor) are
 * synchronous D-Bus round trips, and keytar's run on libuv's thread pool; against a hung Secret
 * Service both block for minutes, and neither a JS timer, a Worker's terminate() nor process exit
 * can interrupt a thread stuck in native code (measured: the process stays alive). A child
 * process can always be killed. It is plain CommonJS in a string so it survives bundling (the
 * CLI bundles this package) and needs no file of its own.
 *
 * Protocol over the IPC channel: the child sends {type:'ready'} or {type:'load-error',message};
 * the parent sends {id, op, service, account, secret}; the child answers {id, ok, value|message}.
 */
export const HOST_SOURCE = String.raw`'use strict';
(function main() {
  var driver = process.argv[1];
  var modulePath = process.argv[2];
  function send(message) {
    if (process.connected) process.send(message);
  }
  process.on('disconnect', function () { process.exit(0); });
  var mod;
  try {
    mod = require(modulePath);
  } catch (error) {
    send({ type: 'load-error', message: String((error && error.message) || error) });
    process.disconnect();
    return;
  }
  // Pin the Secret Service: @napi-rs/keyring otherwise falls back to the kernel keyring, which
  // loses every key at reboot. The option is accepted, and ignored, on macOS and Windows.
  var PIN = { linux: { store: 'secret-service' } };
  // An Entry opens its own D-Bus session (measured: a set+get+delete took 21.7 ms with a new Entry
  // per call, 10.7 ms with one): reuse it for the same item, and
  // drop it after any error so a restarted Secret Service gets a fresh connection.
  var entries = new Map();
  function entry(s, a) {
    var id = JSON.stringify([s, a]);
    var found = entries.get(id);
    if (found === undefined) {
      if (entries.size >= 64) entries.clear();
      found = new mod.Entry(s, a, PIN);
      entries.set(id, found);
    }
    return found;
  }
  function withEntry(s, a, fn) {
    try {
      return fn(entry(s, a));
    } catch (error) {
      entries.delete(JSON.stringify([s, a]));
      throw error;
    }
  }
  var ops = driver === 'napi'
    ? {
        get: function (s, a) { return withEntry(s, a, function (e) { return e.getPassword(); }); },
        set: function (s, a, v) { withEntry(s, a, function (e) { e.setPassword(v); }); },
        delete: function (s, a) { return withEntry(s, a, function (e) { return e.deletePassword(); }); },
        list: function (s) { return mod.findCredentials(s).map(function (c) { return c.account; }); },
      }
    : {
        get: function (s, a) { return mod.getPassword(s, a); },
        set: function (s, a, v) { return mod.setPassword(s, a, v); },
        delete: function (s, a) { return mod.deletePassword(s, a); },
        list: function (s) { return mod.findCredentials(s).then(function (cs) { return cs.map(function (c) { return c.account; }); }); },
      };
  var crypto = require('crypto');
  var PROBE_SERVICE = 'localagent-probe';

  async function probe() {
    var account = 'probe-' + process.pid + '-' + crypto.randomBytes(6).toString('hex');
    var secret = crypto.randomBytes(16).toString('hex');
    await ops.set(PROBE_SERVICE, account, secret);
    var back;
    try {
      back = await ops.get(PROBE_SERVICE, account);
    } finally {
      await ops.delete(PROBE_SERVICE, account);
    }
    if (back !== secret) throw new Error('the keyring returned a different value than was written');
    return true;
  }

  // keytar (libsecret) skips the items of a locked collection, so "no such item" may mean
  // "locked": a miss is only trusted after a probe write succeeds (a locked collection refuses it).
  async function confirmed(value, isMiss) {
    if (driver === 'keytar' && isMiss) await probe();
    return value;
  }

  async function run(m) {
    switch (m.op) {
      case 'probe': return probe();
      case 'get': { var v = await ops.get(m.service, m.account); return confirmed(v === undefined ? null : v, v == null); }
      case 'set': await ops.set(m.service, m.account, m.secret); return null;
      case 'delete': { var d = await ops.delete(m.service, m.account); return confirmed(d === true, d !== true); }
      // keytar 7.9.0's findCredentials crashes (SIGSEGV) on a locked collection: check first
      case 'list': if (driver === 'keytar') await probe(); return ops.list(m.service);
      default: throw new Error('unknown operation ' + m.op);
    }
  }

  process.on('message', function (m) {
    run(m).then(
      function (value) { send({ id: m.id, ok: true, value: value }); },
      function (error) { send({ id: m.id, ok: false, message: String((error && error.message) || error) }); }
    );
  });
  send({ type: 'ready' });
})();
`;
