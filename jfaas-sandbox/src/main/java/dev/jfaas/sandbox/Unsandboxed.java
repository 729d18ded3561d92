package dev.jfaas.sandbox;

import dev.jfaas.sandbox.network.ReplicaNetwork;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * JFAAS_SANDBOX=none: the program runs as a plain child of the gateway, as its user, on the host's
 * network, in the function's directory (or a scratch directory of its own), with secret_mount_path
 * pointing at the host directory that holds its secrets. Nothing is hidden from it; cgroup limits
 * still apply.
 */
final class Unsandboxed implements Containment {

    private final RuntimeDirectory runtime;

    Unsandboxed(RuntimeDirectory runtime) {
        this.runtime = runtime;
    }

    @Override
    public String name() {
        return "none";
    }

    @Override
    public Path onHost(String inside, View view) {
        return view instanceof View.Image image ? ImageRoots.resolve(image.rootfs(), inside) : Path.of(inside);
    }

    @Override
    public Contained contain(FunctionSpace space, Launch launch, ReplicaNetwork network, Path spawner, Map<String, String> env,
            SandboxSettings settings) {
        var name = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        Path scratch = null;
        if (launch.held()) {
            throw new IllegalStateException("JFAAS_SANDBOX=none cannot hold a program before it starts: it has no spawner around it");
        }
        if (launch.view() instanceof View.Image) {
            throw new IllegalStateException("JFAAS_SANDBOX=none cannot run a function from an image: it needs the sandbox");
        }
        var cwd = ((View.Host) launch.view()).appDir();
        if (cwd == null) {
            scratch = runtime.resolve("h").resolve(name);
            try {
                Files.createDirectories(scratch);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot make a directory for " + launch.instance(), e);
            }
            cwd = scratch;
        }
        var full = new HashMap<>(env);
        full.put("HOME", cwd.toString());
        full.put("secret_mount_path", space.secretsDir().toString());
        var argv = switch (launch.program()) {
            case Program.Command command -> command.argv();
            case Program.Server server -> server.argv();
            case Program.Spawner s -> List.of(spawner.toString(), "--calls");
        };
        return new Contained(argv, full, cwd, false, -1, scratch, cwd.toString(), null, null);
    }
}
