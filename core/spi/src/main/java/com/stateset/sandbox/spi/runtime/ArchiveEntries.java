package com.stateset.sandbox.spi.runtime;

import com.stateset.sandbox.spi.runtime.SandboxFileException.Reason;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The entry names {@link SandboxRuntime#writeArchive} accepts, checked the same way by every
 * runtime: relative, without empty, {@code .} or {@code ..} segments, without NUL.
 */
public final class ArchiveEntries {

    private static final Pattern TAR_ERROR = Pattern.compile("^tar: (.+?): .*$");

    private ArchiveEntries() {
    }

    /** The absolute path an entry is written to ({@code workspace/a/} gives {@code /workspace/a}). */
    public static String path(String entryName) {
        String name = entryName.endsWith("/") ? entryName.substring(0, entryName.length() - 1) : entryName;
        if (name.isEmpty() || name.startsWith("/") || name.indexOf('\0') >= 0) {
            throw new SandboxFileException(Reason.OTHER, entryName, "invalid entry name: " + entryName);
        }
        for (String segment : name.split("/")) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new SandboxFileException(Reason.OTHER, entryName, "invalid entry name: " + entryName);
            }
        }
        return "/" + name;
    }

    /** A symbolic link's target: anything but empty or holding NUL (links are written, never followed). */
    public static String linkTarget(String entryName, String target) {
        if (target == null || target.isEmpty() || target.indexOf('\0') >= 0) {
            throw new SandboxFileException(Reason.OTHER, entryName, "invalid link target in " + entryName);
        }
        return target;
    }

    /**
     * Why a {@code tar} extracting an archive in the sandbox failed, from what it wrote to stderr:
     * its first complaint, with the path it names and the reason the kernel gave.
     */
    public static SandboxFileException extractFailure(String tarErrors) {
        String first = tarErrors.lines().filter(l -> !l.startsWith("tar: Exiting")).findFirst().orElse("write failed");
        Matcher failed = TAR_ERROR.matcher(first);
        String target = failed.matches() ? "/" + failed.group(1) : "?";
        Reason reason = Reason.OTHER;
        if (tarErrors.contains("No space left on device") || tarErrors.contains("Disk quota exceeded")) {
            reason = Reason.NO_SPACE;
        } else if (tarErrors.contains("Permission denied") || tarErrors.contains("Read-only file system")
                || tarErrors.contains("Operation not permitted")) {
            reason = Reason.PERMISSION_DENIED;
        } else if (tarErrors.contains("Not a directory") || tarErrors.contains("Is a directory")) {
            // A file where a directory must be, or the other way round: what the sandbox holds, not the request.
            reason = Reason.NOT_A_REGULAR_FILE;
        }
        return new SandboxFileException(reason, target, first.startsWith("tar: ") ? first.substring(5) : first);
    }
}
