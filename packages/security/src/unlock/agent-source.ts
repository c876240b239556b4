/**
 * The program of the unlock agent, run detached with `node -e AGENT_SOURCE` (plain CommonJS in a
 * string, like the keyring helper's, so it survives the CLI's bundling and needs no file of its own).
 *
 * Start-up, on stdin (never argv, env or disk): one JSON line
 * `{dir, socket, cookie, expiresAt, entries: [{id, length}]}`, then the keys' bytes back to back,
 * then end of input. The agent answers on stdout with one line, `{ready: true, pid}` or `{error}`.
 *
 * Protocol on the socket, one request per connection: the client sends one JSON line
 * `{cookie, op, id?}`; the agent answers one JSON line, `{ok: false, reason}` or `{ok: true, …}`:
 * for `get` the line `{ok: true, length}` is followed by the key's raw bytes (no string copy of a
 * key in either process); `status` answers `{pid, expiresAt}`; `lock` wipes, answers `{wiped: true}`
 * and exits. The cookie is a random secret in a 0600 file beside the socket: the 0700 directory
 * already keeps other users out, the cookie also refuses a client that reached the socket another
 * way (a mis-set directory mode, an inherited descriptor).
 *
 * The agent wipes its keys and exits at the TTL, on `lock`, on SIGTERM/SIGINT/SIGHUP, and when its
 * socket file is removed or replaced (a newer agent of the same config dir took over).
 */
export const AGENT_SOURCE = String.raw`'use strict';
(function main() {
  var fs = require('fs');
  var net = require('net');
  var crypto = require('crypto');
  process.title = 'localagent-unlock-agent';
  var MAX_REQUEST = 4096;
  var MAX_TIMER = 2147483647;
  var keys = new Map();
  var header;
  var cookieHex;
  var socketIno;
  var cookieIno;
  var server;
  var connections = new Set();
  var stopping = false;
  var reported = false;

  function report(message) {
    if (reported) return;
    reported = true;
    try { fs.writeSync(1, JSON.stringify(message) + '\n'); } catch (error) { /* the parent is gone */ }
  }
  function wipe() {
    keys.forEach(function (key) { key.fill(0); });
    keys.clear();
  }
  function removeIfOurs(path, ino) {
    try {
      if (ino !== undefined && fs.lstatSync(path).ino === ino) fs.unlinkSync(path);
    } catch (error) { /* already gone */ }
  }
  function shutdown(code) {
    if (stopping) return;
    stopping = true;
    wipe();
    if (header !== undefined) {
      removeIfOurs(header.socket, socketIno);
      removeIfOurs(header.cookie, cookieIno);
    }
    connections.forEach(function (socket) { socket.destroy(); });
    process.exit(code);
  }
  function fail(message) {
    report({ error: message });
    shutdown(1);
  }
  ['SIGTERM', 'SIGINT', 'SIGHUP'].forEach(function (signal) {
    process.on(signal, function () { shutdown(0); });
  });
  process.on('uncaughtException', function (error) { fail(String((error && error.message) || error)); });

  // Timers follow the monotonic clock, which stops while a laptop sleeps: the wall clock decides.
  function expired() {
    return Date.now() >= header.expiresAt;
  }
  function cookieMatches(candidate) {
    if (typeof candidate !== 'string' || candidate.length !== cookieHex.length) return false;
    return crypto.timingSafeEqual(Buffer.from(candidate), Buffer.from(cookieHex));
  }
  function answer(socket, message, after) {
    socket.end(JSON.stringify(message) + '\n', after);
  }
  function handle(socket, line) {
    var request;
    try { request = JSON.parse(line); } catch (error) { request = undefined; }
    if (request === null || typeof request !== 'object') return answer(socket, { ok: false, reason: 'bad-request' });
    if (!cookieMatches(request.cookie)) return answer(socket, { ok: false, reason: 'refused' });
    if (expired()) {
      answer(socket, { ok: false, reason: 'expired' });
      return shutdown(0);
    }
    if (request.op === 'get') {
      var key = typeof request.id === 'string' ? keys.get(request.id) : undefined;
      if (key === undefined) return answer(socket, { ok: false, reason: 'not-held' });
      var copy = Buffer.from(key);
      socket.write(JSON.stringify({ ok: true, length: copy.length }) + '\n');
      return socket.end(copy, function () { copy.fill(0); });
    }
    if (request.op === 'status') {
      return answer(socket, { ok: true, pid: process.pid, expiresAt: header.expiresAt });
    }
    if (request.op === 'lock') {
      wipe();
      removeIfOurs(header.socket, socketIno);
      removeIfOurs(header.cookie, cookieIno);
      return answer(socket, { ok: true, wiped: true }, function () { shutdown(0); });
    }
    return answer(socket, { ok: false, reason: 'bad-request' });
  }
  function onConnection(socket) {
    connections.add(socket);
    socket.on('close', function () { connections.delete(socket); });
    socket.on('error', function () { /* the client went away */ });
    socket.setTimeout(5000, function () { socket.destroy(); });
    var received = '';
    socket.setEncoding('utf8');
    socket.on('data', function onData(chunk) {
      received += chunk;
      var end = received.indexOf('\n');
      if (end < 0) {
        if (received.length > MAX_REQUEST) socket.destroy();
        return;
      }
      socket.removeListener('data', onData);
      handle(socket, received.slice(0, end));
    });
  }
  function watch() {
    var timer = setInterval(function () {
      var ino;
      try { ino = fs.lstatSync(header.socket).ino; } catch (error) { ino = undefined; }
      if (ino !== socketIno || expired()) shutdown(0);
    }, 1000);
    timer.unref();
    setTimeout(function () { shutdown(0); }, Math.min(Math.max(header.expiresAt - Date.now(), 0), MAX_TIMER));
  }
  function start(input) {
    var newline = input.indexOf(10);
    if (newline < 0) return fail('no header on stdin');
    header = JSON.parse(input.subarray(0, newline).toString('utf8'));
    var offset = newline + 1;
    header.entries.forEach(function (entry) {
      var key = Buffer.alloc(entry.length);
      input.copy(key, 0, offset, offset + entry.length);
      offset += entry.length;
      keys.set(entry.id, key);
    });
    input.fill(0);
    if (offset !== input.length) return fail('the key material on stdin has the wrong length');
    var uid = process.getuid();
    var dir = fs.lstatSync(header.dir);
    if (!dir.isDirectory() || dir.uid !== uid || (dir.mode & 63) !== 0) {
      return fail('the directory ' + header.dir + ' is not a private directory of uid ' + uid);
    }
    cookieHex = crypto.randomBytes(32).toString('hex');
    try { fs.unlinkSync(header.cookie); } catch (error) { if (error.code !== 'ENOENT') throw error; }
    var fd = fs.openSync(header.cookie, 'wx', 384);
    fs.writeSync(fd, cookieHex);
    fs.closeSync(fd);
    cookieIno = fs.lstatSync(header.cookie).ino;
    try { fs.unlinkSync(header.socket); } catch (error) { if (error.code !== 'ENOENT') throw error; }
    server = net.createServer(onConnection);
    server.on('error', function (error) { fail(error.message); });
    server.listen(header.socket, function () {
      fs.chmodSync(header.socket, 384);
      socketIno = fs.lstatSync(header.socket).ino;
      watch();
      report({ ready: true, pid: process.pid });
    });
  }
  var chunks = [];
  process.stdin.on('data', function (chunk) { chunks.push(chunk); });
  process.stdin.on('end', function () {
    var input = Buffer.concat(chunks);
    chunks.forEach(function (chunk) { chunk.fill(0); });
    chunks = [];
    start(input);
  });
  process.stdin.on('error', function (error) { fail(error.message); });
})();
`;
