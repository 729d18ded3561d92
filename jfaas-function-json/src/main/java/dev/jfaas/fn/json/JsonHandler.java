package dev.jfaas.fn.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jfaas.fn.Context;
import dev.jfaas.fn.Handler;
import dev.jfaas.fn.Request;
import dev.jfaas.fn.Response;

/**
 * A handler of records: the body is read as {@code I} (a 400 saying what is wrong when it is not),
 * the answer written as JSON.
 *
 * <pre>{@code
 * record Order(String item, int count) {}
 * record Receipt(String id) {}
 * Jfaas.serve(JsonHandler.of(Order.class, (order, context) -> new Receipt(order.item() + "-" + order.count())));
 * }</pre>
 */
public final class JsonHandler {

    /** The function itself: an input in, an output out. */
    @FunctionalInterface
    public interface Function<I, O> {
        O apply(I input, Context context) throws Exception;
    }

    private static final ObjectMapper JSON = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private JsonHandler() {}

    public static <I, O> Handler of(Class<I> input, Function<I, O> function) {
        return (Request request, Context context) -> {
            I value;
            try {
                value = JSON.readValue(request.body(), input);
            } catch (JsonProcessingException e) {
                return Response.ok("invalid JSON for " + input.getSimpleName() + ": " + e.getOriginalMessage()).status(400);
            }
            return Response.json(JSON.writeValueAsString(function.apply(value, context)));
        };
    }
}
