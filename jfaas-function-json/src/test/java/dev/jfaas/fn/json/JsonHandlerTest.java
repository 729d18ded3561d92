package dev.jfaas.fn.json;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jfaas.fn.Context;
import dev.jfaas.fn.Request;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonHandlerTest {

    record Order(String item, int count) {}

    record Receipt(String id, int total) {}

    final Context context = new Context("shop", Map.of(), Path.of("/nowhere"), System.err);

    @Test
    void recordsGoInAndOutAsJson() throws Exception {
        var handler = JsonHandler.of(Order.class, (order, ctx) -> new Receipt(order.item() + "-1", order.count() * 2));
        var response = handler.handle(Request.of("POST", "/", "{\"item\":\"tea\",\"count\":3,\"extra\":true}"), context);
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.headers().get("Content-Type")).containsExactly("application/json");
        assertThat(response.text()).isEqualTo("{\"id\":\"tea-1\",\"total\":6}");
    }

    @Test
    void aBodyThatIsNotTheRecordIsA400() throws Exception {
        var handler = JsonHandler.of(Order.class, (order, ctx) -> order);
        var response = handler.handle(Request.of("POST", "/", "{\"count\":\"many\"}"), context);
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.text()).contains("invalid JSON for Order");
    }
}
