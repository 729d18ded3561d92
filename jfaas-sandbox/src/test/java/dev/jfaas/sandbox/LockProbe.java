package dev.jfaas.sandbox;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * What another process finds when it tries a lock file, as another gateway would (an fcntl lock,
 * as the JDK takes one): "held" or "free". The JDK cannot tell: its own locks are per process.
 */
public final class LockProbe {

    private LockProbe() {}

    public static String fromAnotherProcess(Path file) throws Exception {
        var probe = new ProcessBuilder("python3", "-c", "import fcntl, sys\nf = open(sys.argv[1], 'a')\n"
                + "try:\n    fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB); print('free')\nexcept OSError:\n    print('held')",
                file.toString()).start();
        var answer = new String(probe.getInputStream().readAllBytes()).strip();
        probe.waitFor(10, TimeUnit.SECONDS);
        return answer;
    }
}
