#!/usr/bin/env python3
"""A persistent Python interpreter ("kernel") for REPL sessions in a sandbox. Standard library only, CPython 3.9+.

    python_kernel.py serve SOCKET_PATH MAX_OUTPUT_BYTES   start a detached kernel on a Unix socket
    python_kernel.py send SOCKET_PATH                     run the request in $STATESET_REPL_REQUEST
A request is one JSON line {"code": ..., "timeout_ms": ...}; the answer is one JSON line.
"""
import ast, base64, contextlib, io, json, linecache, os, signal, socket, stat, sys, time, traceback, types

MAX_REQUEST_BYTES = 64 << 20  # far above what the server sends: refuse rather than buffer without end
READ_TIMEOUT_S = 60  # a client that connects but never sends its line must not block the kernel for ever
MIME_METHODS = (('text/html', '_repr_html_'), ('image/png', '_repr_png_'), ('image/svg+xml', '_repr_svg_'),
                ('application/json', '_repr_json_'), ('text/markdown', '_repr_markdown_'))
KERNEL_FILE = __file__  # as this file's frames name it (an absolute path since Python 3.9)
BadRequest = type('BadRequest', (Exception,), {})
# A BaseException, so that a cell's `except Exception:` cannot swallow it; named as it is reported.
CellTimeout = type('TimeoutError', (BaseException,), {})


class Capture(io.TextIOBase):
    """A cell's stdout or stderr: keeps at most `cap` bytes of UTF-8 and notes whether more came."""
    encoding, errors = 'utf-8', 'surrogatepass'

    def __init__(self, cap):
        self.cap, self.data, self.truncated = cap, bytearray(), False
        self.buffer = types.SimpleNamespace(write=self.write_bytes, flush=self.flush)  # for sys.stdout.buffer

    def write(self, s):
        if not isinstance(s, str):
            raise TypeError(f'write() argument must be str, not {type(s).__name__}')
        # Encode no more than can be kept (a character is at least a byte), but one more to notice overflow.
        self.write_bytes(s[:self.cap - len(self.data) + 1].encode('utf-8', 'surrogatepass'))
        return len(s)

    def write_bytes(self, b):
        b = memoryview(b).cast('B')
        room = self.cap - len(self.data)
        if len(b) > room:
            self.truncated = True
            while room > 0 and len(b) - room < 4 and b[room] & 0xC0 == 0x80:
                room -= 1  # do not cut a character in half
        self.data += b[:room]
        return len(b)

    def text(self):
        return self.data.decode('utf-8', 'replace')


def run_cell(namespace, code, filename):
    """Run a cell as IPython does: all its statements, then return the value of a trailing expression."""
    module = ast.parse(code, filename)
    last = module.body.pop() if module.body and isinstance(module.body[-1], ast.Expr) else None
    exec(compile(module, filename, 'exec'), namespace)
    return eval(compile(ast.Expression(last.value), filename, 'eval'), namespace) if last else None


def mime_bundle(value, cap):
    """repr() as text/plain (cut at `cap` characters, as output is), plus what IPython-style _repr_*_ methods offer."""
    text = repr(value)
    bundle = {'text/plain': text if len(text) <= cap else text[:cap] + '...'}
    for mime, method in MIME_METHODS:
        with contextlib.suppress(Exception):  # a broken optional representation is left out, as in IPython
            data = getattr(value, method)()
            data = data[0] if isinstance(data, tuple) else data  # IPython also allows (data, metadata)
            if mime == 'image/png' and isinstance(data, bytes):
                data = base64.b64encode(data).decode()
            # JSON must survive the answer's serialisation (no NaN, no cycles); None means "nothing"
            if isinstance(data, str) or mime == 'application/json' and json.dumps(data, allow_nan=False) != 'null':
                if len(json.dumps(data)) <= cap:  # a representation larger than the output cap is left out
                    bundle[mime] = data
    return bundle


def describe(e):
    """The error part of an answer."""
    try:
        evalue = str(e)
    except Exception:
        evalue = f'<unprintable {type(e).__name__} object>'
    try:  # without the kernel's frames: exec() machinery at the top, signal handlers at the bottom
        shown = traceback.TracebackException(type(e), e, e.__traceback__)
        shown.stack = traceback.StackSummary.from_list([f for f in shown.stack if f.filename != KERNEL_FILE])
        text = ''.join(shown.format())
    except Exception:  # a hostile exception (a __cause__ that raises, say) goes without its traceback
        text = f'{type(e).__name__}: {evalue}\n'
    return {'ename': type(e).__name__, 'evalue': evalue, 'traceback': text}


def parse_request(line):
    if len(line) > MAX_REQUEST_BYTES:
        raise BadRequest(f'request longer than {MAX_REQUEST_BYTES} bytes')
    try:
        request = json.loads(line)
    except Exception as e:
        raise BadRequest(f'request is not JSON: {e}') from None
    if not isinstance(request, dict) or not isinstance(request.get('code'), str):
        raise BadRequest('request must be a JSON object with a string "code"')
    timeout_ms = request.get('timeout_ms', 30000)
    if isinstance(timeout_ms, bool) or not isinstance(timeout_ms, (int, float)) or not timeout_ms > 0:
        raise BadRequest('"timeout_ms" must be a positive number')
    return request['code'], timeout_ms


class Kernel:
    def __init__(self, cap, path):
        self.cap, self.path, self.pid = cap, path, os.getpid()
        self.count, self.running, self.timed_out, self.timeout_ms = 0, False, False, 0
        self.stdio = sys.stdout, sys.stderr
        main = types.ModuleType('__main__')
        sys.modules['__main__'] = main  # so that pickle and friends find what cells define
        self.namespace = main.__dict__
        if sys.path and sys.path[0] == os.path.dirname(KERNEL_FILE):
            sys.path[0] = ''  # import from the working directory, as `python -i` does
        self.handle_signals()

    def handle_signals(self):
        for signum, handler in ((signal.SIGINT, self.on_sigint), (signal.SIGALRM, self.on_alarm),
                                (signal.SIGTERM, self.on_sigterm)):
            signal.signal(signum, handler)

    def serve_forever(self, server):
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                time.sleep(0.1)  # e.g. out of descriptors for a moment: try again
                continue
            try:
                with conn, conn.makefile('rb') as stream:
                    conn.settimeout(READ_TIMEOUT_S)
                    line = stream.readline(MAX_REQUEST_BYTES + 1)
                    if line:
                        conn.sendall(json.dumps(self.execute(line)).encode() + b'\n')
            except BaseException:
                pass  # the client went away; the kernel serves the next one

    def execute(self, line):
        started = time.monotonic()
        self.count += 1
        out, err = Capture(self.cap), Capture(self.cap)
        try:
            status, result, error = self.run(*parse_request(line), out, err)
        except BadRequest as e:
            status, result, error = 'error', None, {'ename': 'BadRequest', 'evalue': str(e), 'traceback': ''}
        except BaseException as e:  # in the kernel's own code: a signal that came as the cell ended, say
            self.stop()
            status, result, error = 'error', None, {
                'ename': 'KernelError', 'evalue': f'{type(e).__name__} while finishing the cell', 'traceback': ''}
        return {'status': status, 'stdout': out.text(), 'stderr': err.text(),
                'stdout_truncated': out.truncated, 'stderr_truncated': err.truncated,
                'result': result, 'error': error, 'execution_count': self.count,
                'duration_ms': int((time.monotonic() - started) * 1000)}

    def run(self, code, timeout_ms, out, err):
        filename = f'<cell-{self.count}>'
        linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)  # lines in tracebacks
        self.handle_signals()  # again each time, in case an earlier cell replaced a handler
        result = failure = None
        try:
            self.running, self.timed_out, self.timeout_ms = True, False, timeout_ms
            sys.stdout, sys.stderr = out, err
            signal.setitimer(signal.ITIMER_REAL, timeout_ms / 1000)
            value = run_cell(self.namespace, code, filename)
            if value is not None:
                self.namespace['_'] = value
                result = mime_bundle(value, self.cap)  # still timed: repr() runs the cell's code too
        except BaseException as e:
            failure = e
        finally:
            self.stop()
        if os.getpid() != self.pid:
            os._exit(0)  # a process the cell forked must not go on as a second kernel
        if self.timed_out:
            return 'timeout', None, describe(failure if isinstance(failure, CellTimeout) else self.timeout())
        return ('error', None, describe(failure)) if failure else ('ok', result, None)

    def stop(self):
        self.running = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        sys.stdout, sys.stderr = self.stdio

    def timeout(self):
        return CellTimeout(f'the cell ran longer than its timeout of {self.timeout_ms} ms')

    def on_sigint(self, signum, frame):
        if self.running:  # while idle, SIGINT is ignored
            raise KeyboardInterrupt

    def on_alarm(self, signum, frame):
        if self.running:
            self.timed_out = True
            signal.setitimer(signal.ITIMER_REAL, 0.1)  # and again, should the cell swallow this one
            raise self.timeout()

    def on_sigterm(self, signum, frame):
        if os.getpid() == self.pid:  # not in a process the cell forked
            for path in (self.path, self.path + '.pid'):
                with contextlib.suppress(OSError):
                    os.unlink(path)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTERM)


def emit(answer, exit_code):
    print(json.dumps(answer), flush=True)
    sys.exit(exit_code)


def serve(path, max_output_bytes):
    try:
        cap = int(max_output_bytes)
        if cap < 0:
            raise ValueError('MAX_OUTPUT_BYTES must not be negative')
        os.makedirs(os.path.dirname(os.path.abspath(path)), mode=0o700, exist_ok=True)
        with contextlib.suppress(FileNotFoundError):
            if stat.S_ISSOCK(os.lstat(path).st_mode):
                os.unlink(path)  # stale: left by a kernel that was killed
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        umask = os.umask(0o177)  # the socket is born 0600: no moment in which others could connect
        server.bind(path)
        os.umask(umask)
        server.listen(16)
    except (OSError, ValueError) as e:
        emit({'error': f'cannot serve on {path}: {e}'}, 1)
    ready_r, ready_w = os.pipe()
    child = os.fork()
    if child:  # the caller: reap the intermediate process, then wait for the kernel's word
        os.close(ready_w)
        os.waitpid(child, 0)
        with os.fdopen(ready_r, 'rb') as ready:
            message = ready.read()  # ends when the kernel closes its end: it is serving by then
        reply = json.loads(message) if message else {'error': 'the kernel exited while starting'}
        emit(reply, 0 if 'pid' in reply else 1)
    os.close(ready_r)
    os.setsid()  # out of the caller's session: no terminal, no signals meant for its process group
    if os.fork():
        os._exit(0)
    try:
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)  # let go of the caller's exec stream, so that it closes
        for fd in map(int, os.listdir('/proc/self/fd')):  # and of anything else the caller left open
            if fd > 2 and fd not in (server.fileno(), ready_w):
                with contextlib.suppress(OSError):
                    os.close(fd)
        with open(path + '.pid', 'w') as f:
            f.write(f'{os.getpid()}\n')
        kernel = Kernel(cap, path)
        os.write(ready_w, json.dumps({'pid': os.getpid()}).encode())
        os.close(ready_w)
    except BaseException as e:
        os.write(ready_w, json.dumps({'error': f'the kernel failed to start: {e}'}).encode())
        os._exit(1)
    kernel.serve_forever(server)


def send(path):
    try:  # JSON has raw newlines only as whitespace: spaces keep the request to one line
        request = base64.b64decode(os.environ['STATESET_REPL_REQUEST']).replace(b'\n', b' ') + b'\n'
    except (KeyError, ValueError) as e:
        emit({'error': f'STATESET_REPL_REQUEST must hold a base64 JSON request: {e!r}'}, 2)
    conn, answer = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM), b''
    try:
        conn.connect(path)
    except OSError as e:
        emit({'status': 'dead', 'error': f'cannot reach the kernel: {e}'}, 3)
    with contextlib.suppress(OSError), conn.makefile('rb') as stream:
        conn.sendall(request)
        answer = stream.readline()
    if not answer.endswith(b'\n'):
        emit({'status': 'dead', 'error': 'the kernel closed the connection without answering'}, 3)
    sys.stdout.buffer.write(answer)


if __name__ == '__main__':
    if len(sys.argv) == 4 and sys.argv[1] == 'serve':
        serve(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 3 and sys.argv[1] == 'send':
        send(sys.argv[2])
    else:
        emit({'error': 'usage: python_kernel.py serve SOCKET_PATH MAX_OUTPUT_BYTES | send SOCKET_PATH'}, 2)
