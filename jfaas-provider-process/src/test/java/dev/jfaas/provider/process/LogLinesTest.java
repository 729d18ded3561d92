package dev.jfaas.provider.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Output in pieces into log lines: at newlines, and cut at 16 KiB. */
class LogLinesTest {

    @Test
    void linesComeAtNewlinesWhereverThePiecesEnd() {
        var lines = new ArrayList<String>();
        var splitter = new LogLines(lines::add);
        for (var piece : List.of("fir", "st\nsec", "ond\n\nthi", "rd")) {
            var bytes = piece.getBytes(StandardCharsets.UTF_8);
            splitter.add(bytes, 0, bytes.length);
        }
        splitter.flush();
        assertThat(lines).containsExactly("first", "second", "", "third");
    }

    @Test
    void aLineWithoutEndIsCutIntoPiecesOfTheMostALineMayBe() {
        var lines = new ArrayList<String>();
        var splitter = new LogLines(lines::add);
        var long_ = "a".repeat(LogLines.MAX_LINE * 2 + 5).getBytes(StandardCharsets.US_ASCII);
        splitter.add(long_, 0, long_.length);
        splitter.add(new byte[] {'\n'}, 0, 1);
        assertThat(lines).extracting(String::length).containsExactly(LogLines.MAX_LINE, LogLines.MAX_LINE, 5);
    }

    @Test
    void aLineOfExactlyTheMostALineMayBeIsOneLine() {
        var lines = new ArrayList<String>();
        var splitter = new LogLines(lines::add);
        var exact = ("b".repeat(LogLines.MAX_LINE) + "\nnext\n").getBytes(StandardCharsets.US_ASCII);
        splitter.add(exact, 0, LogLines.MAX_LINE);
        splitter.add(exact, LogLines.MAX_LINE, exact.length - LogLines.MAX_LINE);
        assertThat(lines).extracting(String::length).containsExactly(LogLines.MAX_LINE, 4);
    }
}
