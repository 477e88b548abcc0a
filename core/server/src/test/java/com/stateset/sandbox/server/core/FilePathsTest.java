package com.stateset.sandbox.server.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.stateset.sandbox.server.errors.DomainException;
import com.stateset.sandbox.server.errors.ErrorKind;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FilePathsTest {

    private static final List<String> ROOTS = List.of("/workspace", "/tmp", "/home/sandbox");

    @Test
    void resolvesRelativePathsFromTheWorkspaceAndNormalizes() {
        assertThat(FilePaths.resolve("path", "src/app.py", ROOTS)).isEqualTo("/workspace/src/app.py");
        assertThat(FilePaths.resolve("path", "/tmp//a/./b.txt", ROOTS)).isEqualTo("/tmp/a/b.txt");
        assertThat(FilePaths.resolve("path", "/home/sandbox/.bashrc", ROOTS)).isEqualTo("/home/sandbox/.bashrc");
    }

    @ParameterizedTest
    @ValueSource(strings = {"../etc/passwd", "/workspace/../etc/passwd", "/etc/passwd", "/workspace", "/workspace/",
            "/workspacex/a", "/", "a\u0000b", "a\nb", ""})
    void refusesPathsOutsideTheWritableDirectories(String path) {
        assertThatThrownBy(() -> FilePaths.resolve("files[3].path", path, ROOTS))
                .isInstanceOfSatisfying(DomainException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.INVALID);
                    assertThat(e.details()).containsEntry("field", "files[3].path");
                });
    }

    @Test
    void refusesOverlongPaths() {
        assertThatThrownBy(() -> FilePaths.resolve("path", "a".repeat(300), ROOTS)).isInstanceOf(DomainException.class);
        assertThatThrownBy(() -> FilePaths.resolve("path", "a/".repeat(3000), ROOTS)).isInstanceOf(DomainException.class);
    }
}
