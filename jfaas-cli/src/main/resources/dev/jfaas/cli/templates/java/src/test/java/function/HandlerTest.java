package function;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jfaas.fn.Context;
import dev.jfaas.fn.Request;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HandlerTest {

    @Test
    void answersWhatItWasSent() throws Exception {
        var context = new Context("{{name}}", Map.of(), Path.of("/var/openfaas/secrets"), System.err);
        var response = new Handler().handle(Request.of("POST", "/", "world"), context);
        assertEquals(200, response.status());
        assertEquals("Hello from {{name}}: world", response.text());
    }
}
