package com.stateset.sandbox.spi.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.stateset.sandbox.spi.runtime.SandboxFileException.Reason;
import org.junit.jupiter.api.Test;

class ArchiveEntriesTest {

    @Test
    void entriesAreRelativePathsWithoutDotSegments() {
        assertThat(ArchiveEntries.path("workspace/src/app.py")).isEqualTo("/workspace/src/app.py");
        assertThat(ArchiveEntries.path("workspace/src/")).isEqualTo("/workspace/src");
        for (String bad : new String[] {"", "/etc/passwd", "workspace/../etc", "workspace//a", "./workspace", "a\0b"}) {
            assertThatThrownBy(() -> ArchiveEntries.path(bad)).as(bad).isInstanceOfSatisfying(SandboxFileException.class,
                    e -> assertThat(e.reason()).isEqualTo(Reason.OTHER));
        }
        assertThat(ArchiveEntries.linkTarget("workspace/l", "/etc/shadow")).isEqualTo("/etc/shadow");
        assertThatThrownBy(() -> ArchiveEntries.linkTarget("workspace/l", "")).isInstanceOf(SandboxFileException.class);
    }

    @Test
    void tarsComplaintsBecomeTheReasonAndThePath() {
        SandboxFileException full = ArchiveEntries.extractFailure(
                "tar: workspace/big: Wrote only 512 of 10240 bytes\ntar: workspace/big: Cannot write: No space left on device\n"
                        + "tar: Exiting with failure status due to previous errors\n");
        assertThat(full.reason()).isEqualTo(Reason.NO_SPACE);
        assertThat(full.path()).isEqualTo("/workspace/big");
        SandboxFileException denied = ArchiveEntries.extractFailure("tar: etc/evil: Cannot open: Permission denied\n");
        assertThat(denied.reason()).isEqualTo(Reason.PERMISSION_DENIED);
        assertThat(denied.getMessage()).isEqualTo("etc/evil: Cannot open: Permission denied");
        SandboxFileException underAFile = ArchiveEntries.extractFailure("tar: workspace/0/x: Cannot open: Not a directory\n");
        assertThat(underAFile.reason()).isEqualTo(Reason.NOT_A_REGULAR_FILE);
        assertThat(underAFile.path()).isEqualTo("/workspace/0/x");
        assertThat(ArchiveEntries.extractFailure("").reason()).isEqualTo(Reason.OTHER);
    }
}
