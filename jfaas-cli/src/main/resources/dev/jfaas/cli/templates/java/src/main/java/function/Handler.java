package function;

import dev.jfaas.fn.Context;
import dev.jfaas.fn.Jfaas;
import dev.jfaas.fn.Request;
import dev.jfaas.fn.Response;

/** The {{name}} function: one call in, one answer out. */
public final class Handler implements dev.jfaas.fn.Handler {

    @Override
    public Response handle(Request request, Context context) {
        return Response.ok("Hello from {{name}}: " + request.text());
    }

    public static void main(String[] args) {
        Jfaas.serve(new Handler());
    }
}
