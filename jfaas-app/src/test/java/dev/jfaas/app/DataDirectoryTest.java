package dev.jfaas.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** One gateway per data directory, however the other one was started. */
class DataDirectoryTest {

    @Test
    void aSecondGatewayOnADataDirectoryIsRefusedNamingTheFirstUntilItStops() throws Exception {
        var dir = Files.createTempDirectory("jfaas-data");
        var first = DataDirectory.lock(dir);
        assertThatThrownBy(() -> DataDirectory.lock(dir)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("another jfaas gateway (pid " + ProcessHandle.current().pid() + ")")
                .hasMessageContaining("JFAAS_DATA");
        first.close();
        DataDirectory.lock(dir).close();
    }

    @Test
    void aGatewayInAnotherProcessHoldsItToo() throws Exception {
        var dir = Files.createTempDirectory("jfaas-data");
        var holder = new ProcessBuilder("python3", "-c", "import fcntl, os, sys, time\n"
                + "f = open(sys.argv[1], 'w'); fcntl.lockf(f, fcntl.LOCK_EX); f.write(str(os.getpid())); f.flush()\n"
                + "print('held', flush=True); time.sleep(60)", dir.resolve("gateway.lock").toString()).start();
        try {
            assertThat(new String(holder.getInputStream().readNBytes(5))).isEqualTo("held\n");
            assertThatThrownBy(() -> DataDirectory.lock(dir)).hasMessageContaining("(pid " + holder.pid() + ")");
        } finally {
            holder.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        DataDirectory.lock(dir).close();
    }
}
