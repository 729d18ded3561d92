package dev.jfaas.sandbox.spawner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The gateway's end of a call checks who listens on the control socket before it sends anything. */
class SpawnerCallTest {

    @Test
    void aSocketServedByAnotherUserIsRefusedBeforeTheRequestIsSent() throws Exception {
        var dir = Files.createTempDirectory("jfaas-peer");
        var path = dir.resolve("s");
        try (var server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(path));
            var someoneElse = FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName("65533");
            assertThatThrownBy(() -> SpawnerCall.start(path, someoneElse, List.of("cat"), Map.of(), "/", new byte[0]))
                    .isInstanceOf(IOException.class).hasMessageContaining("refusing the spawner").hasMessageContaining("65533");
            try (var accepted = server.accept()) {
                var buffer = java.nio.ByteBuffer.allocate(16);
                assertThat(accepted.read(buffer)).as("nothing of the request reached the impostor").isEqualTo(-1);
            }
        }
    }

    @Test
    void theGatewaysOwnUserIsAccepted() throws Exception {
        var dir = Files.createTempDirectory("jfaas-peer");
        var path = dir.resolve("s");
        try (var server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(path));
            var me = Files.getOwner(dir);
            try (var call = SpawnerCall.start(path, me, List.of("cat"), Map.of(), "/", new byte[0]); var accepted = server.accept()) {
                var buffer = java.nio.ByteBuffer.allocate(4);
                assertThat(accepted.read(buffer)).isEqualTo(4);
                assertThat(buffer.flip().getInt()).as("argc").isEqualTo(1);
            }
        }
    }
}
