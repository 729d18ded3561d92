package dev.jfaas.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jfaas.function.FunctionName;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FairShareTest {

    static final FunctionName A = FunctionName.of("a", null);
    static final FunctionName B = FunctionName.of("b", null);
    static final FunctionName C = FunctionName.of("c", null);
    static final String Q = "q";

    final FairShare share = new FairShare();

    @Test
    void functionsTakeTurnsOneCallEachInTheirOwnOrder() {
        var picked = share.interleave(Q, Map.of(A, List.of("a1", "a2", "a3", "a4"), B, List.of("b1", "b2")), 5, FunctionRoom.ANY);
        assertThat(picked).hasSize(5).containsSubsequence("a1", "a2", "a3").containsSubsequence("b1", "b2");
        assertThat(picked.subList(0, 4)).containsExactlyInAnyOrder("a1", "a2", "b1", "b2");
    }

    @Test
    void theFunctionServedLongestAgoGoesFirstNextTime() {
        var order = new ArrayList<String>();
        var candidates = Map.of(A, List.of("a"), B, List.of("b"), C, List.of("c"));
        for (int i = 0; i < 6; i++) {
            order.addAll(share.interleave(Q, candidates, 1, FunctionRoom.ANY));
        }
        assertThat(order.subList(0, 3)).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(order.subList(3, 6)).containsExactlyElementsOf(order.subList(0, 3));
    }

    @Test
    void noFunctionGetsMoreThanItsRoom() {
        var picked = share.interleave(Q, Map.of(A, List.of("a1", "a2", "a3"), B, List.of("b1", "b2", "b3")), 10,
                FunctionRoom.of(Map.of(A, 1)));
        assertThat(picked).containsExactlyInAnyOrder("a1", "b1", "b2", "b3");
        assertThat(share.interleave(Q, Map.of(A, List.of("a1")), 10, FunctionRoom.skipping(Set.of(A)))).isEmpty();
    }

    @Test
    void aFunctionThatComesBackAfterItsWorkRanOutGoesFirst() {
        share.interleave(Q, Map.of(A, List.of("a"), B, List.of("b")), 2, FunctionRoom.ANY);
        share.interleave(Q, Map.of(A, List.of("a")), 1, FunctionRoom.ANY);
        share.keepOnly(Q, List.of(A));
        assertThat(share.turns(Q, List.of(A, B))).containsExactly(B, A);
    }

    @Test
    void roomLessWhatIsTakenAndAnyNumberStaysAnyNumber() {
        var room = FunctionRoom.of(Map.of(A, 3)).less(Map.of(A, 2, B, 5));
        assertThat(room.of(A)).isEqualTo(1);
        assertThat(room.of(B)).isEqualTo(Integer.MAX_VALUE);
        assertThat(FunctionRoom.of(Map.of(A, 1)).less(Map.of(A, 4)).of(A)).isZero();
    }
}
