#!/usr/bin/env node
// A persistent Node.js interpreter ("kernel") for REPL sessions in a sandbox. Built-in modules only, Node.js 18+.
//   node node_kernel.js serve SOCKET_PATH MAX_OUTPUT_BYTES   start a detached kernel on a Unix socket
//   node node_kernel.js send SOCKET_PATH                     run the request in $STATESET_REPL_REQUEST
// A request is one JSON line {"code": ..., "timeout_ms": ...}; the answer is one JSON line.
'use strict'
const { spawn } = require('child_process')
const fs = require('fs')
const Module = require('module')
const net = require('net')
const path = require('path')
const util = require('util')
const vm = require('vm')

const MAX_REQUEST_BYTES = 64 << 20 // far above what the server sends: refuse rather than buffer without end
const READ_TIMEOUT_MS = 60000 // a client that connects but never sends its line must not block the kernel
const exit = process.exit.bind(process) // the kernel's own; cells get one that throws
const TIMEOUT = Symbol('timeout') // what an abandoned await is rejected with
const INTERRUPT = Symbol('interrupt')
const attempt = (f, fallback) => { try { return f() } catch { return fallback } }

// A cell's stdout or stderr: keeps at most `cap` bytes and notes whether more came.
class Capture {
  constructor (cap) { this.cap = cap; this.buf = null; this.size = 0; this.truncated = false }

  add (chunk) { // a string or a byte view, as process.stdout.write takes
    const room = this.cap - this.size
    // Take no more than can be kept (a UTF-16 unit is at least a byte), but one more to notice overflow.
    let b = typeof chunk === 'string'
      ? Buffer.from(chunk.slice(0, room + 1))
      : Buffer.from(chunk.buffer, chunk.byteOffset, Math.min(chunk.byteLength, room + 1))
    if (b.length > room) {
      this.truncated = true
      let cut = room
      while (cut > 0 && b.length - cut < 4 && (b[cut] & 0xc0) === 0x80) cut-- // do not cut a character in half
      b = b.subarray(0, cut)
    }
    this.buf ??= Buffer.allocUnsafe(this.cap) // memory is only taken as pages are written
    this.size += b.copy(this.buf, this.size)
  }

  text () { return this.buf ? this.buf.toString('utf8', 0, this.size) : '' }
}

// The error part of an answer. Anything can be thrown, so it is run guarded (see `timed`).
function describe (e) {
  const isObject = e !== null && (typeof e === 'object' || typeof e === 'function')
  const shown = () => util.inspect(e, { customInspect: false })
  const field = (name, fallback) => isObject && typeof e[name] === 'string' ? e[name] : fallback()
  let stack = field('stack', shown)
  const source = /^([^\n]*):\d+\n[^\n]*\n *\^+ *\n\n/.exec(stack) // the line of code Node puts above the error
  if (source && !source[1].startsWith('<cell-')) stack = stack.slice(source[0].length)
  // Frames from the kernel's own code go, and so do the callers of the cell (the vm call and below).
  const frame = /^\s+at /
  let lines = stack.split('\n').filter((line) => !(frame.test(line) && line.includes(__filename)))
  const vmCall = lines.findIndex((line) => frame.test(line) && line.includes('node:vm:'))
  if (vmCall >= 0) lines = lines.slice(0, vmCall)
  const lastCellFrame = lines.findLastIndex((line) => frame.test(line) && line.includes('<cell-'))
  if (lastCellFrame >= 0) lines = lines.slice(0, lastCellFrame + 1)
  return { ename: field('name', () => 'Error'), evalue: field('message', shown), traceback: lines.join('\n') }
}

function parseRequest (raw) {
  if (raw instanceof Error) throw raw
  const request = JSON.parse(raw.toString('utf8'))
  if (request === null || typeof request !== 'object' || typeof request.code !== 'string') {
    throw new Error('request must be a JSON object with a string "code"')
  }
  const timeoutMs = request.timeout_ms === undefined ? 30000 : request.timeout_ms
  if (typeof timeoutMs !== 'number' || !(timeoutMs > 0)) throw new Error('"timeout_ms" must be a positive number')
  return { code: request.code, timeoutMs: Math.ceil(timeoutMs) }
}

function compile (code, filename) {
  const options = { filename, importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER }
  try {
    return new vm.Script(code, options)
  } catch (e) {
    if (!(e instanceof SyntaxError) || !code.includes('await')) throw e
  }
  // Top-level await: run the cell as the body of an async function that returns its last expression.
  // With no parser at hand, that expression is found by trial, longest first, starting at one of the
  // last 200 line or statement ends. Declarations in such a cell stay local to the function and do not
  // persist (Node's REPL rewrites them with a parser); assignments without a declaration (x = await f()) do.
  const asyncScript = (body) => new vm.Script(`(async () => {\n${body}\n})()`, { ...options, lineOffset: -1 })
  const cuts = [0, ...Array.from(code.matchAll(/[\n;]/g), (m) => m.index + 1)].slice(-200)
  for (const cut of [...cuts, null]) {
    try {
      if (cut === null) return asyncScript(code) // no value to return
      let tail = code.slice(cut).trimEnd()
      while (tail.endsWith(';')) tail = tail.slice(0, -1).trimEnd()
      const script = asyncScript(`${code.slice(0, cut)}return (${tail}\n)`)
      asyncScript(code.slice(0, cut)) // must stand alone, or `for (...)\n f(x)` became `for (...) return (f(x))`
      return script
    } catch {}
  }
  return new vm.Script(code, options) // throws the original SyntaxError
}

// A bare context plus Node's globals (process, Buffer, timers, URL, fetch, ...), as Node's REPL builds it.
function createContext () {
  const context = vm.createContext({})
  const builtins = new Set(vm.runInContext('Object.getOwnPropertyNames(globalThis)', context))
  for (const name of Object.getOwnPropertyNames(globalThis)) {
    if (!builtins.has(name)) Object.defineProperty(context, name, Object.getOwnPropertyDescriptor(globalThis, name))
  }
  const file = path.join(process.cwd(), '<repl>')
  const replModule = { id: '<repl>', filename: file, exports: {} }
  // console is the kernel's own: it writes to process.stdout/stderr, which the running cell captures.
  return Object.assign(context, { console, require: Module.createRequire(file), module: replModule, exports: replModule.exports,
    __filename: file, __dirname: process.cwd(), global: vm.runInContext('globalThis', context) })
}

function serveChild (sockPath, capArg) {
  const fail = (e) => process.send({ error: `cannot serve on ${sockPath}: ${e.message}` }, () => exit(1))
  const cap = Number(capArg)
  if (!Number.isSafeInteger(cap) || cap < 0) return fail(new Error('MAX_OUTPUT_BYTES must be a non-negative integer'))
  try {
    fs.mkdirSync(path.dirname(path.resolve(sockPath)), { recursive: true, mode: 0o700 })
    if (fs.lstatSync(sockPath, { throwIfNoEntry: false })?.isSocket()) fs.unlinkSync(sockPath) // stale: its kernel was killed
  } catch (e) { return fail(e) }

  const context = createContext()
  let count = 0
  let current = null // the running cell's captures
  let interrupt = null // abandons the promise the running cell awaits
  let queue = Promise.resolve() // requests run one at a time, in the order they came

  // Runs user code (a custom inspect, a getter) under the same watchdog as a cell: timeout and SIGINT.
  const callScript = new vm.Script('__kernelCall()', { filename: __filename })
  function timed (f, ms) {
    Object.defineProperty(context, '__kernelCall', { value: f, configurable: true })
    try { return callScript.runInContext(context, { timeout: ms, breakOnSigint: true }) } finally { delete context.__kernelCall }
  }
  const describeSafely = (e) => attempt(() => timed(() => describe(e), 1000),
    { ename: 'Error', evalue: '<an error that could not be described>', traceback: '' })

  // What a cell awaits can only be abandoned, not stopped: it goes on in the background, and synchronous
  // code it runs later (after an await, in a callback) is out of vm's reach: it blocks the kernel until done.
  function settle (promise, ms) {
    let timer
    return new Promise((resolve, reject) => {
      timer = setTimeout(() => reject(TIMEOUT), ms)
      interrupt = () => reject(INTERRUPT)
      Promise.prototype.then.call(promise, resolve, reject)
    }).finally(() => { clearTimeout(timer); interrupt = null })
  }

  async function runCell (code, filename, timeoutMs) {
    const deadline = Date.now() + timeoutMs
    const left = () => Math.max(1, deadline - Date.now())
    let value = compile(code, filename).runInContext(context, { timeout: timeoutMs, breakOnSigint: true })
    if (util.types.isPromise(value)) value = await settle(value, left())
    if (value === undefined) return null
    const text = timed(() => util.inspect(value), left())
    return { 'text/plain': text.length <= cap ? text : text.slice(0, cap) + '...' } // cut as output is
  }

  async function execute (raw) {
    const started = Date.now()
    const [out, err] = [new Capture(cap), new Capture(cap)]
    const answer = (status, result, error) => ({
      status, stdout: out.text(), stderr: err.text(), stdout_truncated: out.truncated, stderr_truncated: err.truncated,
      result, error, execution_count: count, duration_ms: Date.now() - started
    })
    count += 1
    let request
    try { request = parseRequest(raw) } catch (e) {
      return answer('error', null, { ename: 'BadRequest', evalue: e.message, traceback: '' })
    }
    current = { stdout: out, stderr: err }
    try {
      return answer('ok', await runCell(request.code, `<cell-${count}>`, request.timeoutMs), null)
    } catch (e) {
      // vm's errors are told by their code, read without running a getter a cell may have put on what it threw
      const code = util.types.isNativeError(e) ? Object.getOwnPropertyDescriptor(e, 'code')?.value : undefined
      const [status, ename, evalue] = e === TIMEOUT || code === 'ERR_SCRIPT_EXECUTION_TIMEOUT'
        ? ['timeout', 'TimeoutError', `the cell ran longer than its timeout of ${request.timeoutMs} ms`]
        : e === INTERRUPT || code === 'ERR_SCRIPT_EXECUTION_INTERRUPTED' ? ['error', 'Interrupted', 'interrupted by SIGINT'] : ['error']
      return answer(status, null, ename ? { ename, evalue, traceback: `${ename}: ${evalue}` } : describeSafely(e))
    } finally {
      current = null
    }
  }

  // Resolves with the request line (newline excluded), null if the client sent nothing, or an Error.
  function readLine (sock) {
    return new Promise((resolve) => {
      const chunks = []
      let size = 0
      const finish = (value) => { sock.setTimeout(0); sock.removeAllListeners('data'); sock.pause(); resolve(value) }
      sock.setTimeout(READ_TIMEOUT_MS, () => { finish(null); sock.destroy() })
      sock.on('data', (chunk) => {
        const nl = chunk.indexOf(10)
        chunks.push(nl < 0 ? chunk : chunk.subarray(0, nl))
        size += chunk.length
        if (nl >= 0) finish(Buffer.concat(chunks))
        else if (size > MAX_REQUEST_BYTES) finish(new Error(`request longer than ${MAX_REQUEST_BYTES} bytes`))
      })
      sock.on('end', () => finish(size ? Buffer.concat(chunks) : null))
      sock.on('close', () => finish(null))
    })
  }

  const server = net.createServer({ allowHalfOpen: true }, (sock) => {
    sock.on('error', () => {}) // a client that went away must not take the kernel down
    const line = readLine(sock)
    queue = queue.then(async () => {
      const raw = await line
      if (raw === null) sock.destroy()
      else sock.end(JSON.stringify(await execute(raw)) + '\n')
    }).catch(() => sock.destroy())
  })
  server.on('error', fail)
  const umask = process.umask(0o177) // the socket is born 0600: no moment in which others could connect
  server.listen(sockPath, () => {
    try { fs.writeFileSync(`${sockPath}.pid`, `${process.pid}\n`) } catch (e) { return fail(e) }
    process.send({ pid: process.pid }, () => process.disconnect())
  })
  process.umask(umask) // listen() has bound the socket by now

  // Output belongs to the running cell; between cells it is dropped (the kernel's stdio is /dev/null).
  for (const name of ['stdout', 'stderr']) {
    process[name].write = (chunk, encoding, callback) => {
      if (current) current[name].add(chunk)
      const done = typeof encoding === 'function' ? encoding : callback
      if (typeof done === 'function') process.nextTick(done)
      return true
    }
  }
  // While idle SIGINT is ignored; during synchronous code breakOnSigint applies; here, an await is abandoned.
  process.on('SIGINT', () => interrupt && interrupt())
  process.on('SIGTERM', () => { [sockPath, `${sockPath}.pid`].forEach((file) => attempt(() => fs.unlinkSync(file))); exit(0) })
  // A cell must not end the kernel: process.exit() throws instead, reported as ProcessExit.
  process.exit = function exit (code) {
    const e = Object.assign(new Error(`process.exit(${typeof code === 'number' ? code : ''}) was called`), { name: 'ProcessExit' })
    Error.captureStackTrace(e, exit) // from the caller on
    throw e
  }
  // Errors in a cell's callbacks (timers, events) come after the cell has run: report, never die of them.
  process.on('uncaughtException', (e) => process.stderr.write(`Uncaught ${describeSafely(e).traceback}\n`))
  process.on('unhandledRejection', (e) => process.stderr.write(`Unhandled rejection: ${describeSafely(e).traceback}\n`))
}

function print (message, exitCode) {
  process.stdout.write(JSON.stringify(message) + '\n')
  process.exitCode = exitCode
}

function serve (sockPath, cap) {
  const child = spawn(process.execPath, [...process.execArgv, __filename, 'serve-child', sockPath, cap],
    { detached: true, stdio: ['ignore', 'ignore', 'ignore', 'ipc'] })
  let failure = null // the kernel's {error}: reported once it has exited, so that it is reaped
  const finish = (message) => { clearTimeout(timer); print(message, message.pid ? 0 : 1); exit() }
  const timer = setTimeout(() => { child.kill('SIGKILL'); failure = { error: 'the kernel did not start within 10 s' } }, 10000)
  child.on('message', (message) => { if (message.pid) finish(message); else failure = message })
  child.on('error', (e) => finish({ error: `cannot start the kernel: ${e.message}` }))
  child.on('exit', (code, signal) => finish(failure || { error: `the kernel exited while starting (${signal || code})` }))
}

function send (sockPath) {
  const encoded = process.env.STATESET_REPL_REQUEST
  if (encoded === undefined) return print({ error: 'STATESET_REPL_REQUEST must hold a base64 JSON request' }, 2)
  const request = Buffer.from(encoded, 'base64')
  for (let i = 0; i < request.length; i++) if (request[i] === 10) request[i] = 32 // JSON's raw newlines are whitespace
  const chunks = []
  let connected = false
  let done = false
  const dead = (why) => { if (!done) print({ status: 'dead', error: why }, 3); done = true }
  const sock = net.connect(sockPath, () => { connected = true; sock.write(Buffer.concat([request, Buffer.from('\n')])) })
  sock.on('data', (chunk) => {
    chunks.push(chunk)
    if (done || !chunk.includes(10)) return
    const answer = Buffer.concat(chunks)
    process.stdout.write(answer.subarray(0, answer.indexOf(10) + 1))
    done = true
    sock.destroy()
  })
  sock.on('error', (e) => dead(connected ? e.message : `cannot reach the kernel: ${e.message}`))
  sock.on('close', () => dead('the kernel closed the connection without answering'))
}

const [command, ...args] = process.argv.slice(2)
if (command === 'serve' && args.length === 2) serve(...args)
else if (command === 'serve-child' && args.length === 2) serveChild(...args)
else if (command === 'send' && args.length === 1) send(...args)
else print({ error: 'usage: node_kernel.js serve SOCKET_PATH MAX_OUTPUT_BYTES | send SOCKET_PATH' }, 2)
