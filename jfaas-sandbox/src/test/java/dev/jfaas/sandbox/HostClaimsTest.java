package dev.jfaas.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Blocks of the host claimed by gateways: never the same one twice while its holder lives. */
class HostClaimsTest {

    @Test
    void twoGatewaysNeverHoldTheSameBlockAndALeftBlockIsFreeAgain() throws Exception {
        var dir = Files.createTempDirectory("jfaas-claims");
        var first = new HostClaims(dir);
        var second = new HostClaims(dir);
        assertThat(first.claim("uids", 4, 10, b -> true).block()).isEqualTo(4);
        assertThat(second.claim("uids", 4, 10, b -> true).block()).isEqualTo(5);
        // the JDK's locks are per process: passing over the first's block must not have released it
        assertThat(LockProbe.fromAnotherProcess(dir.resolve("uids-4.lock"))).as("block 4 for another process").isEqualTo("held");
        first.close();
        assertThat(new HostClaims(dir).claim("uids", 4, 10, b -> true).block()).isEqualTo(4);
        second.close();
    }

    @Test
    void aBlockHeldByAnotherProcessIsSkippedAndOneThatIsRefusedIsNeverTaken() throws Exception {
        var dir = Files.createTempDirectory("jfaas-claims");
        // Another gateway, as another process would hold it: an fcntl lock, as the JDK takes one.
        var holder = new ProcessBuilder("python3", "-c", "import fcntl, sys, time\n"
                + "f = open(sys.argv[1], 'w'); fcntl.lockf(f, fcntl.LOCK_EX); print('held', flush=True); time.sleep(60)",
                dir.resolve("net-7.lock").toString()).start();
        try {
            assertThat(new String(holder.getInputStream().readNBytes(5))).isEqualTo("held\n");
            var claims = new HostClaims(dir);
            assertThat(claims.claim("net", 7, 9, b -> b != 8).block()).isEqualTo(9);
            assertThatThrownBy(() -> claims.claim("net", 7, 9, b -> b != 8)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("claimed by another jfaas gateway");
            assertThat(LockProbe.fromAnotherProcess(dir.resolve("net-9.lock"))).as("its own block, passed over, still held").isEqualTo("held");
            claims.close();
            assertThat(LockProbe.fromAnotherProcess(dir.resolve("net-9.lock"))).isEqualTo("free");
        } finally {
            holder.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
