package dev.jfaas.invoke;

import io.vertx.core.Future;
import java.util.List;

/**
 * The invoke path as a short chain of stages, run in order. The last stage must answer; if it
 * passes the call on anyway, that is a wiring bug and the call gets a 500 that says so.
 */
public final class Pipeline {

    private final Stage.Chain head;

    private Pipeline(List<Stage> stages) {
        Stage.Chain chain = call -> Future.succeededFuture(
                InvocationResult.internal(500, "pipeline", "no stage answered the call"));
        for (int i = stages.size() - 1; i >= 0; i--) {
            var stage = stages.get(i);
            var next = chain;
            chain = call -> stage.apply(call, next);
        }
        this.head = chain;
    }

    public static Pipeline of(Stage... stages) {
        return new Pipeline(List.of(stages));
    }

    public Future<InvocationResult> run(Invocation call) {
        try {
            return head.proceed(call);
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
    }
}
