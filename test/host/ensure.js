// Shared by test/run-all.js and test/host/start.js: makes a fresh checkout runnable, using plain
// Node only (this runs before node_modules exists). Idempotent and quick when nothing is missing.
'use strict';
const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..', '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function mtime(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}

/** `npm ci` when node_modules is missing or older than package-lock.json. */
function nodeDepsStale() {
  const installed = mtime(path.join(root, 'node_modules', '.package-lock.json'));
  const lock = mtime(path.join(root, 'package-lock.json'));
  return installed === undefined || (lock !== undefined && lock > installed);
}

/** Runs a command with the terminal attached; returns its exit code (1 when it could not start). */
function runInherit(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.error) console.error(`${command}: ${result.error.message}`);
  return result.status ?? 1;
}

/**
 * Runs a command, showing its output as it comes and keeping a copy.
 * Resolves { code, output, ms }; a command that cannot start or times out gets code 1 / 124.
 */
function runTee(command, args, { timeoutMs = 15 * 60_000, env } = {}) {
  return new Promise((resolve) => {
    const started = Date.now();
    const chunks = [];
    const child = spawn(command, args, {
      cwd: root,
      env: env ? { ...process.env, ...env } : process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: process.platform !== 'win32',
    });
    const keep = (stream) => (chunk) => {
      chunks.push(chunk);
      stream.write(chunk);
    };
    child.stdout.on('data', keep(process.stdout));
    child.stderr.on('data', keep(process.stderr));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      console.error(`\n${command} ${args.join(' ')}: no result after ${timeoutMs / 1000}s; stopping it`);
      killTree(child.pid);
    }, timeoutMs);
    const stopOnExit = () => killTree(child.pid);
    process.once('exit', stopOnExit);
    const finish = (code) => {
      clearTimeout(timer);
      process.removeListener('exit', stopOnExit);
      resolve({ code: timedOut ? 124 : code, output: Buffer.concat(chunks).toString('utf8'), ms: Date.now() - started });
    };
    child.on('error', (error) => {
      console.error(`${command}: ${error.message}`);
      finish(1);
    });
    child.on('close', (code, signal) => finish(code ?? (signal ? 1 : 0)));
  });
}

function killTree(pid) {
  if (!pid) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
}

/**
 * Node dependencies and the code-server/Chromium host (every VS Code the tests run on, or just the
 * current one). Returns false (after saying why) on failure.
 */
function ensureDeps({ host = true, currentVSCodeOnly = false } = {}) {
  if (nodeDepsStale()) {
    console.log('ensure: node_modules is missing or older than package-lock.json; running npm ci');
    if (runInherit(npm, ['ci', '--no-audit', '--no-fund']) !== 0) {
      console.error('ensure: npm ci failed');
      return false;
    }
  }
  const hostArgs = currentVSCodeOnly ? ['--current-only'] : [];
  if (host && runInherit('bash', [path.join(root, 'test', 'host', 'ensure-host.sh'), ...hostArgs]) !== 0) {
    console.error('ensure: test/host/ensure-host.sh failed');
    return false;
  }
  return true;
}

module.exports = { root, npm, ensureDeps, nodeDepsStale, runInherit, runTee, killTree };
