package com.stateset.sandbox.spi.runtime.agent;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The agent's wire format (agent/README.md): a frame is a type byte, a stream id and a payload
 * length (unsigned 32-bit big-endian), then the payload; strings are their length then UTF-8 bytes;
 * numbers are 32-bit big-endian. Everything read is checked before it is believed: the agent is
 * untrusted.
 */
final class AgentFrames {

    static final int PROTOCOL = 1;
    static final int MAX_PAYLOAD = 1024 * 1024;

    static final byte EXEC = 0x01;
    static final byte STDIN = 0x02;
    static final byte STDIN_EOF = 0x03;
    static final byte SIGNAL = 0x04;
    static final byte PING = 0x05;
    static final byte EXEC_PTY = 0x06;
    static final byte RESIZE = 0x07;
    static final byte HELLO = (byte) 0x80;
    static final byte STARTED = (byte) 0x81;
    static final byte STDOUT = (byte) 0x82;
    static final byte STDERR = (byte) 0x83;
    static final byte EXIT = (byte) 0x84;
    static final byte ERROR = (byte) 0x85;
    static final byte PONG = (byte) 0x86;

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

    /** An Exit's code. */
    static int exitCode(byte[] payload) throws AgentProtocolException {
        Reader r = new Reader(payload);
        int code = r.number();
        r.number();
        r.end();
        return code;
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
