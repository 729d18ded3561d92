package dev.jfaas.provider.process;

import dev.jfaas.invoke.Invocation;
import java.util.HashMap;
import java.util.Map;

/**
 * The environment a function process starts with: the deployment's {@code envVars} and
 * {@code fprocess}, the function's own name ({@code function_name}, for the SDK's Context), nothing
 * of the gateway's own (the sandbox adds PATH, HOME and
 * secret_mount_path), and for forking modes the request's metadata as OpenFaaS passes it
 * ({@code Http_Method}, {@code Http_Path}, {@code Http_Query}, {@code Http_<Header_Name>}).
 */
final class ProcessEnvironment {

    private ProcessEnvironment() {}

    static Map<String, String> base(Map<String, String> envVars, String fprocess) {
        var env = new HashMap<String, String>(envVars);
        env.put("fprocess", fprocess);
        return env;
    }

    /**
     * The request as the classic watchdog's CGI variables: each header (its first value, the name
     * as Go writes it, dashes as underscores) but Host and Transfer-Encoding, which Go sets apart;
     * the method; the body's length (-1 when unknown) under both names it uses; the query only
     * when there is one; the path below the function; and the host.
     *
     * @param contentLength the body's length when known, else -1
     */
    static void addRequest(Map<String, String> env, Invocation call, long contentLength) {
        var headers = call.headers();
        for (var name : headers.names()) {
            if (!name.equalsIgnoreCase("Host") && !name.equalsIgnoreCase("Transfer-Encoding")) {
                env.put("Http_" + canonical(name), headers.get(name));
            }
        }
        env.put("Http_Method", call.method().name());
        env.put("Http_ContentLength", Long.toString(contentLength));
        env.put("Http_Content_Length", Long.toString(contentLength));
        if (!call.query().isEmpty()) {
            env.put("Http_Query", call.query());
        }
        env.put("Http_Path", call.path());
        var encoding = headers.get("Transfer-Encoding");
        if (encoding != null) {
            env.put("Http_Transfer_Encoding", encoding);
        }
        // The gateway does not pass its own Host on; the caller's is X-Forwarded-Host.
        var host = headers.get("Host") != null ? headers.get("Host") : headers.get("X-Forwarded-Host");
        env.put("Http_Host", host == null ? "" : host);
    }

    /** {@code content-type} becomes {@code Content_Type}, as Go canonicalises header names. */
    static String canonical(String header) {
        var out = new StringBuilder(header.length());
        boolean upper = true;
        for (char c : header.toCharArray()) {
            if (c == '-') {
                out.append('_');
                upper = true;
            } else {
                out.append(upper ? Character.toUpperCase(c) : Character.toLowerCase(c));
                upper = false;
            }
        }
        return out.toString();
    }
}
