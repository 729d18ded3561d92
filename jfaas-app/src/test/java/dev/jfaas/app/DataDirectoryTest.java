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
        assertThat(dev.jfaas.sandbox.LockProbe.fromAnotherProcess(dir.resolve("gateway.lock"))).as("still held for other processes after the refusal")
                .isEqualTo("held");
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

    @Test
    void aPortInUseIsOneLineAndNothingIsWrittenFirst() throws Exception {
        var data = Files.createTempDirectory("jfaas-data").resolve("new");
        try (var taken = new java.net.ServerSocket(0)) {
            assertThatThrownBy(() -> JfaasServer.start(java.util.Map.of("JFAAS_PORT", Integer.toString(taken.getLocalPort()),
                    "JFAAS_DATA", data.toString()))).isInstanceOf(IllegalStateException.class)
                    .hasMessage("port " + taken.getLocalPort() + " is in use (another gateway or program listens there): "
                            + "choose another with -p or JFAAS_PORT (0 picks a free one)");
        }
        assertThat(data).as("no password file, no store").doesNotExist();
    }
}
