package dev.jfaas.gateway.invoke;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jfaas.function.FunctionName;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The first stage: a call to nothing is a 404 before anything else happens. */
class ResolveTest {

    final Calls.Function fn = Calls.Function.annotated(Map.of());
    final Resolve resolve = new Resolve(new Calls.Deployed(fn));

    @Test
    void aCallToADeployedFunctionGoesOnWithItsTarget() {
        var next = new Calls.Next();
        var result = resolve.apply(Calls.unresolved(fn.name()), next).result();
        assertThat(result.status()).isEqualTo(200);
        assertThat(next.passed.get().target()).isSameAs(fn);
    }

    @Test
    void aCallToNothingIs404NamingItAndGoesNoFurther() {
        var next = new Calls.Next();
        var result = resolve.apply(Calls.unresolved(FunctionName.of("ghost", "team-a")), next).result();
        assertThat(result.status()).isEqualTo(404);
        assertThat(result.headers().get("X-Jfaas-Internal")).isEqualTo("resolve");
        assertThat(result.body()).isInstanceOfSatisfying(dev.jfaas.invoke.Body.Bytes.class,
                body -> assertThat(body.buffer().toString()).contains("error finding function ghost.team-a"));
        assertThat(next.passed.get()).isNull();
    }
}
