package com.stateset.sandbox.spi.runtime.agent;

import com.stateset.sandbox.spi.runtime.FileEvent;
import com.stateset.sandbox.spi.runtime.process.ExitStatus;
import com.stateset.sandbox.spi.runtime.process.ProcessInfo;
import com.stateset.sandbox.spi.runtime.process.ProcessSpec;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The agent's wire format (agent/README.md): a frame is a type byte, a stream id and a payload
 * length (unsigned 32-bit big-endian), then the payload; strings are their length then UTF-8 bytes;
 * numbers are 32-bit big-endian. Everything read is checked before it is believed: the agent is
 * untrusted.
 */
final class AgentFrames {

    static final int PROTOCOL = 2;
    static final int MAX_PAYLOAD = 1024 * 1024;

    static final byte EXEC = 0x01;
    static final byte STDIN = 0x02;
    static final byte STDIN_EOF = 0x03;
    static final byte SIGNAL = 0x04;
    static final byte PING = 0x05;
    static final byte EXEC_PTY = 0x06;
    static final byte RESIZE = 0x07;
    static final byte SPAWN = 0x08;
    static final byte LIST = 0x09;
    static final byte ATTACH = 0x0A;
    static final byte DETACH = 0x0B;
    static final byte PROC_INPUT = 0x0C;
    static final byte PROC_INPUT_EOF = 0x0D;
    static final byte PROC_SIGNAL = 0x0E;
    static final byte PROC_RESIZE = 0x0F;
    static final byte WAIT = 0x10;
    static final byte REMOVE = 0x11;
    static final byte WATCH = 0x12;
    static final byte HELLO = (byte) 0x80;
    static final byte STARTED = (byte) 0x81;
    static final byte STDOUT = (byte) 0x82;
    static final byte STDERR = (byte) 0x83;
    static final byte EXIT = (byte) 0x84;
    static final byte ERROR = (byte) 0x85;
    static final byte PONG = (byte) 0x86;
    static final byte PROCESS = (byte) 0x87;
    static final byte PROCESSES = (byte) 0x88;
    static final byte ATTACHED = (byte) 0x89;
    static final byte DONE = (byte) 0x8A;
    static final byte WATCHING = (byte) 0x8B;
    static final byte CHANGED = (byte) 0x8C;

    /** A process id: lowercase hexadecimal, as the agent makes them. */
    static final Pattern PROCESS_ID = Pattern.compile("[0-9a-f]{12}");

    record Frame(byte type, int stream, byte[] payload) {
    }

    private AgentFrames() {
    }

    /** The next frame, or null at a clean end between frames. */
    static Frame read(DataInputStream in) throws IOException {
        int type = in.read();
        if (type < 0) {
            return null;
        }
        int stream = in.readInt();
        int length = in.readInt();
        if (length < 0 || length > MAX_PAYLOAD) {
            throw new AgentProtocolException("a frame of " + Integer.toUnsignedString(length) + " bytes");
        }
        byte[] payload = new byte[length];
        in.readFully(payload);
        return new Frame((byte) type, stream, payload);
    }

    static void write(OutputStream out, byte type, int stream, byte[] payload) throws IOException {
        if (payload.length > MAX_PAYLOAD) {
            throw new AgentProtocolException("a frame of " + payload.length + " bytes");
        }
        ByteBuffer frame = ByteBuffer.allocate(9 + payload.length).put(type).putInt(stream).putInt(payload.length).put(payload);
        out.write(frame.array());
        out.flush();
    }

    static byte[] exec(List<String> argv, Map<String, String> env, String dir) {
        Writer w = new Writer();
        w.number(argv.size());
        argv.forEach(w::string);
        w.number(env.size());
        env.forEach((name, value) -> {
            w.string(name);
            w.string(value);
        });
        w.string(dir == null ? "" : dir);
        return w.bytes();
    }

    static byte[] number(int n) {
        return ByteBuffer.allocate(4).putInt(n).array();
    }

    /** A command on a terminal of the given size: an Exec's payload, then the size. */
    static byte[] pty(List<String> argv, Map<String, String> env, String dir, int rows, int cols) {
        byte[] exec = exec(argv, env, dir);
        return ByteBuffer.allocate(exec.length + 8).put(exec).put(size(rows, cols)).array();
    }

    static byte[] size(int rows, int cols) {
        return ByteBuffer.allocate(8).putInt(rows).putInt(cols).array();
    }

    /** The agent's Hello: its protocol (which must be this one's) and version. */
    static String hello(byte[] payload) throws AgentProtocolException {
        Reader r = new Reader(payload);
        int protocol = r.number();
        String version = r.string();
        r.end();
        if (protocol != PROTOCOL) {
            throw new AgentProtocolException("an agent of protocol " + Integer.toUnsignedString(protocol) + ", not " + PROTOCOL);
        }
        return version;
    }

    /** A payload that is one number (a Started's pid). */
    static int number(byte[] payload) throws AgentProtocolException {
        Reader r = new Reader(payload);
        int n = r.number();
        r.end();
        return n;
    }

    /** An Exit's code and signal. */
    static ExitStatus exitStatus(byte[] payload) throws AgentProtocolException {
        Reader r = new Reader(payload);
        ExitStatus status = r.exit();
        r.end();
        return status;
    }

    /** A background process to start: an Exec's payload, the terminal flag and size, the buffer. */
    static byte[] spawn(ProcessSpec spec, String dir) {
        byte[] exec = exec(spec.argv(), spec.env(), dir);
        return ByteBuffer.allocate(exec.length + 16).put(exec).putInt(spec.terminal() ? 1 : 0).put(size(spec.rows(), spec.cols()))
                .putInt(spec.bufferBytes()).array();
    }

    static byte[] watch(String directory, boolean recursive) {
        Writer w = new Writer();
        w.string(directory);
        w.number(recursive ? 1 : 0);
        return w.bytes();
    }

    /** A Changed frame's event: its kind (1 to 4), an absolute path, a directory flag. */
    static FileEvent fileEvent(byte[] payload) throws AgentProtocolException {
        Reader r = new Reader(payload);
        int kind = r.number();
        String path = r.string();
        boolean directory = r.flag();
        r.end();
        if (kind < 1 || kind > FileEvent.Kind.values().length || !path.startsWith("/")) {
            throw new AgentProtocolException("a change of kind " + Integer.toUnsignedString(kind) + " to a path that is not absolute or");
        }
        return new FileEvent(FileEvent.Kind.values()[kind - 1], path, directory);
    }

    static byte[] processId(String id) {
        Writer w = new Writer();
        w.string(id);
        return w.bytes();
    }

    /** A payload that names a process, then more. */
    static byte[] processId(String id, byte[] more) {
        byte[] named = processId(id);
        return ByteBuffer.allocate(named.length + more.length).put(named).put(more).array();
    }

    static byte[] attach(String id, long offset) {
        return processId(id, ByteBuffer.allocate(8).putLong(offset).array());
    }

    /** An Attached's offset. */
    static long offset(byte[] payload) throws AgentProtocolException {
        Reader r = new Reader(payload);
        long offset = r.offset();
        r.end();
        return offset;
    }

    static ProcessInfo process(byte[] payload) throws AgentProtocolException {
        Reader r = new Reader(payload);
        ProcessInfo info = r.process();
        r.end();
        return info;
    }

    static List<ProcessInfo> processes(byte[] payload) throws AgentProtocolException {
        Reader r = new Reader(payload);
        int count = r.number();
        if (count < 0 || count > payload.length / 40) { // each takes at least 40 bytes
            throw new AgentProtocolException("a list of " + Integer.toUnsignedString(count) + " processes in " + payload.length + " bytes");
        }
        List<ProcessInfo> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            list.add(r.process());
        }
        r.end();
        return list;
    }

    static String text(byte[] payload) throws AgentProtocolException {
        return Reader.utf8(payload);
    }

    private static final class Writer {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        void number(int n) {
            out.writeBytes(AgentFrames.number(n));
        }

        void string(String s) {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            number(bytes.length);
            out.writeBytes(bytes);
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    /** The latest start time believed (the year 9999). */
    private static final long MAX_EPOCH_MILLI = 253_402_300_799_000L;

    private static final class Reader {
        private final ByteBuffer in;

        Reader(byte[] payload) {
            in = ByteBuffer.wrap(payload);
        }

        int number() throws AgentProtocolException {
            if (in.remaining() < 4) {
                throw new AgentProtocolException("a payload too short");
            }
            return in.getInt();
        }

        String string() throws AgentProtocolException {
            int length = number();
            if (length < 0 || length > in.remaining()) {
                throw new AgentProtocolException("a string past its payload");
            }
            byte[] bytes = new byte[length];
            in.get(bytes);
            return utf8(bytes);
        }

        long offset() throws AgentProtocolException {
            if (in.remaining() < 8) {
                throw new AgentProtocolException("a payload too short");
            }
            long n = in.getLong();
            if (n < 0) {
                throw new AgentProtocolException("an offset of " + Long.toUnsignedString(n));
            }
            return n;
        }

        boolean flag() throws AgentProtocolException {
            int n = number();
            if (n != 0 && n != 1) {
                throw new AgentProtocolException("a flag of " + Integer.toUnsignedString(n));
            }
            return n == 1;
        }

        ExitStatus exit() throws AgentProtocolException {
            return new ExitStatus(number(), number());
        }

        ProcessInfo process() throws AgentProtocolException {
            String id = string();
            if (!PROCESS_ID.matcher(id).matches()) {
                throw new AgentProtocolException("a process id that is not one");
            }
            long pid = Integer.toUnsignedLong(number());
            int argc = number();
            if (argc < 0 || argc > in.remaining() / 4) {
                throw new AgentProtocolException("an argv past its payload");
            }
            List<String> argv = new ArrayList<>(argc);
            for (int i = 0; i < argc; i++) {
                argv.add(string());
            }
            boolean terminal = flag();
            long started = offset();
            boolean running = flag();
            ExitStatus exit = exit();
            long start = offset();
            long end = offset();
            if (start > end || started > MAX_EPOCH_MILLI) {
                throw new AgentProtocolException("a process whose output runs from " + start + " to " + end);
            }
            return new ProcessInfo(id, pid, argv, terminal, Instant.ofEpochMilli(started), running ? null : exit, start, end);
        }

        void end() throws AgentProtocolException {
            if (in.hasRemaining()) {
                throw new AgentProtocolException(in.remaining() + " bytes after a payload");
            }
        }

        static String utf8(byte[] bytes) throws AgentProtocolException {
            try {
                return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
            } catch (CharacterCodingException e) {
                throw new AgentProtocolException("a string that is not UTF-8");
            }
        }
    }

    /** What the agent sent breaks the protocol: the channel is over. */
    static final class AgentProtocolException extends IOException {
        AgentProtocolException(String what) {
            super("the agent sent " + what);
        }
    }
}
