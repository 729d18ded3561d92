package dev.jfaas.provider.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jfaas.function.FunctionName;
import dev.jfaas.provider.LogQuery;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** A function's output fills no more of the gateway's heap than its share, however it writes it. */
class LogBookTest {

    static final FunctionName LOUD = new FunctionName("loud", "openfaas-fn");
    static final FunctionName QUIET = new FunctionName("quiet", "openfaas-fn");

    private static LogQuery all(FunctionName function) {
        return new LogQuery(function, -1, null, null);
    }

    @Test
    void aFunctionKeepsItsNewestLinesWithinItsBytes() {
        var book = new LogBook(64L << 20);
        var big = "x".repeat(16 << 10);
        for (int i = 0; i < 1000; i++) {
            book.append(LOUD, "r1", i + " " + big);
        }
        assertThat(book.heldBytes()).isLessThanOrEqualTo(LogBook.BYTES_PER_FUNCTION);
        var kept = book.read(all(LOUD));
        assertThat(kept).isNotEmpty();
        assertThat(kept.getLast().text()).startsWith("999 ");
    }

    @Test
    void overTheWholeBudgetTheNoisiestFunctionGivesWayNotTheQuietOne() {
        var book = new LogBook(LogBook.BYTES_PER_FUNCTION + (64 << 10));
        book.append(QUIET, "r1", "a quiet line");
        var big = "x".repeat(16 << 10);
        for (int i = 0; i < 200; i++) {
            book.append(LOUD, "r2", big);
        }
        assertThat(book.heldBytes()).isLessThanOrEqualTo(LogBook.BYTES_PER_FUNCTION + (64 << 10));
        assertThat(book.read(all(QUIET))).extracting(l -> l.text()).containsExactly("a quiet line");
    }

    @Test
    void aLineWithoutEndOrOfInvalidUtf8IsCutAndCountedAsTheHeapHoldsIt() {
        var book = new LogBook(64L << 20);
        var endless = new byte[300_000];
        Arrays.fill(endless, (byte) 0xff); // each byte becomes a two-byte replacement character
        book.pump(LOUD, "r1", new ByteArrayInputStream(endless));
        await().atMost(Duration.ofSeconds(5)).until(() -> book.read(all(LOUD)).size() > 10);
        await().atMost(Duration.ofSeconds(5)).until(() -> book.heldBytes() > LogBook.BYTES_PER_FUNCTION / 2);
        assertThat(book.read(all(LOUD))).allSatisfy(line -> assertThat(line.text().length()).isLessThanOrEqualTo(LogLines.MAX_LINE));
        assertThat(book.heldBytes()).isLessThanOrEqualTo(LogBook.BYTES_PER_FUNCTION);
    }

    @Test
    void aRemovedFunctionsLinesLeaveTheBudgetAndItsFollowersAreToldItIsOver() {
        var book = new LogBook(64L << 20);
        var ended = new java.util.concurrent.atomic.AtomicInteger();
        var quietEnded = new java.util.concurrent.atomic.AtomicInteger();
        book.follow(all(LOUD), line -> { }, ended::incrementAndGet);
        book.follow(all(QUIET), line -> { }, quietEnded::incrementAndGet);
        book.append(LOUD, "r1", "x".repeat(1000));
        book.forget(LOUD);
        assertThat(book.heldBytes()).isZero();
        assertThat(ended).hasValue(1);
        assertThat(quietEnded).hasValue(0);
    }
}
