package com.stateset.sandbox.server.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.stateset.sandbox.server.errors.DomainException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class GlobTest {

    private static boolean matches(String glob, String path) {
        return Glob.of("pattern", glob).matches(path);
    }

    @Test
    void wildcardsStayWithinANameAndGlobstarsSpanDirectories() {
        assertThat(matches("**/*.py", "app.py")).isTrue();
        assertThat(matches("**/*.py", "src/pkg/app.py")).isTrue();
        assertThat(matches("**/*.py", "app.pyc")).isFalse();
        assertThat(matches("src/*.py", "src/app.py")).isTrue();
        assertThat(matches("src/*.py", "src/pkg/app.py")).isFalse();
        assertThat(matches("src/**", "src/pkg/app.py")).isTrue();
        assertThat(matches("a/**/b", "a/b")).isTrue();
        assertThat(matches("a/**/b", "a/x/y/b")).isTrue();
        assertThat(matches("a/**/b", "ab")).isFalse();
        assertThat(matches("?.txt", "a.txt")).isTrue();
        assertThat(matches("?.txt", "/.txt")).isFalse();
    }

    @Test
    void classesAndAlternatives() {
        assertThat(matches("[a-c]x", "bx")).isTrue();
        assertThat(matches("[a-c]x", "dx")).isFalse();
        assertThat(matches("[!a-c]x", "dx")).isTrue();
        assertThat(matches("*.{js,ts}", "app.ts")).isTrue();
        assertThat(matches("*.{js,ts}", "app.py")).isFalse();
        assertThat(matches("{src,lib}/**/*.{js,{ts,tsx}}", "lib/a/b.tsx")).isTrue();
        assertThat(matches("a}b,c", "a}b,c")).as("outside braces these are plain characters").isTrue();
    }

    @Test
    @Timeout(5)
    void patternsThatWouldMakeARegexBacktrackCostTheirLengthTimesThePaths() {
        String pattern = "*a".repeat(20) + "*b";
        String path = "a".repeat(4000);
        assertThat(matches(pattern, path)).isFalse();
        assertThat(Glob.of("pattern", pattern).cost(path.length())).isEqualTo((42L + 1) * 4001);
    }

    @Test
    void malformedOrOversizedPatternsAreRefusedNamingTheField() {
        for (String bad : new String[] {"src/[a", "{a,b", "x".repeat(Glob.MAX_CHARS + 1), "{a,b}{c,d}{e,f}{g,h}{i,j}{k,l}{m,n}"}) {
            assertThatThrownBy(() -> Glob.of("pattern", bad)).isInstanceOfSatisfying(DomainException.class,
                    e -> assertThat(e.details()).containsEntry("field", "pattern"));
        }
    }
}
