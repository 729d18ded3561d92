package dev.jfaas.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jfaas.function.FunctionName;
import dev.jfaas.queue.QueuedCall;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class BodyBudgetTest {

    static QueuedCall call(int bodyBytes) {
        return new QueuedCall("call", FunctionName.of("fn", null), QueuedCall.DEFAULT_QUEUE, 0, "POST", "/", "", List.of(),
                new byte[bodyBytes], null, null, Instant.EPOCH, 3);
    }

    @Test
    void aFirstLeaseAssumesTheLargestBodies() {
        var budget = new BodyBudget(1_000_000, 250_000);
        assertThat(budget.room(16)).isEqualTo(4);
    }

    @Test
    void smallBodiesSeenLetLeasesGrowToWhatIsWanted() {
        var budget = new BodyBudget(1_000_000, 250_000);
        for (int i = 0; i < 20; i++) {
            budget.hold(call(100));
        }
        assertThat(budget.room(16)).isEqualTo(16);
    }

    @Test
    void aSpentBudgetLeasesNothingUntilCallsEnd() {
        var budget = new BodyBudget(1_000_000, 250_000);
        var large = call(200_000); // held twice, as stored and as sent: 401 KB each
        budget.hold(large);
        budget.hold(large);
        assertThat(budget.room(16)).isZero();
        budget.release(large);
        assertThat(budget.room(16)).isEqualTo(1);
        budget.release(large);
        assertThat(budget.held()).isZero();
    }

    @Test
    void oneCallIsLetThroughWhenNothingIsHeldWhateverItsSize() {
        var budget = new BodyBudget(1_000, 1_000_000);
        assertThat(budget.room(16)).isEqualTo(1);
        budget.hold(call(1_000_000));
        assertThat(budget.room(16)).isZero();
    }
}
