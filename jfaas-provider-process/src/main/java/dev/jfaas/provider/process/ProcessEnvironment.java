package dev.jfaas.provider.process;

import dev.jfaas.invoke.Invocation;
import java.util.HashMap;
import java.util.Map;

/**
 * The environment a function process starts with: the deployment's {@code envVars} and
 * {@code fprocess}, nothing of the gateway's own (the sandbox adds PATH, HOME and
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

    static void addRequest(Map<String, String> env, Invocation call) {
        env.put("Http_Method", call.method().name());
        env.put("Http_Path", call.path());
        env.put("Http_Query", call.query());
        for (var header : call.headers()) {
            env.put("Http_" + canonical(header.getKey()), header.getValue());
        }
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
