package dev.jfaas.provider.process;

import dev.jfaas.invoke.Invocation;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The environment a function process starts with. Only a few harmless variables come from the
 * gateway's own environment, so gateway credentials never leak into functions; the rest is the
 * deployment's {@code envVars}, {@code secret_mount_path}, and for forking modes the request's
 * metadata as OpenFaaS passes it ({@code Http_Method}, {@code Http_Path}, {@code Http_Query},
 * {@code Http_<Header_Name>}).
 */
final class ProcessEnvironment {

    private static final List<String> INHERITED = List.of("PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR", "JAVA_HOME", "USER");

    private ProcessEnvironment() {}

    static Map<String, String> base(Map<String, String> envVars, String fprocess, Path secretsDir) {
        var env = new HashMap<String, String>();
        for (var name : INHERITED) {
            var value = System.getenv(name);
            if (value != null) {
                env.put(name, value);
            }
        }
        env.putAll(envVars);
        env.put("fprocess", fprocess);
        env.put("secret_mount_path", secretsDir.toString());
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
